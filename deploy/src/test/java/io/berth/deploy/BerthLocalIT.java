package io.berth.deploy;

import io.berth.common.config.ServiceName;
import io.berth.common.testing.ApiClient;
import io.berth.deploy.demo.DemoFleet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The single-machine launcher with the real services, on ports that do not clash with a running one. */
class BerthLocalIT {

    @TempDir
    Path dataDir;

    @Test
    void allThreeServicesBecomeReadyAndTheDemoFleetLogsAConnectedUserOn() throws Exception {
        // given the launcher with a small demo fleet
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "3"),
                LauncherTestEnv.env(), BerthServices.all())) {
            // then every service is ready
            for (ServiceName service : ServiceName.values()) {
                assertThat(get(stack.port(service), "/health/ready", null).statusCode()).as(service.id()).isEqualTo(200);
            }
            assertThat(stack.demoFleet()).hasValueSatisfying(fleet -> assertThat(fleet.hosts()).isEqualTo(3));

            // when a demo user connects with the printed gateway token (retrying while the broker catches up)
            JsonObject answer = connect(stack, "alice");

            // then she lands on a demo host, and that host's agent logs her on
            assertThat(answer.getString("hostId")).endsWith(DemoFleet.HOST_DOMAIN);
            String sessionId = answer.getString("sessionId");
            String admin = stack.adminToken();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                HttpResponse<String> session = get(stack.port(ServiceName.SESSION), "/api/v1/sessions/" + sessionId, admin);
                assertThat(session.statusCode()).isEqualTo(200);
                assertThat(new JsonObject(session.body()).getString("state")).isEqualTo("ACTIVE");
            });
            // (the fleet counts a logon once the session service has answered it, just after the state changed)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(stack.demoFleet().orElseThrow().logons()).isGreaterThanOrEqualTo(1));
        }
    }

    @Test
    void whatWasAcknowledgedBeforeAStopIsThereAfterAStartOnTheSameDataDir() throws Exception {
        // given a pool created through the launcher's services, and a demo user logged on
        JsonObject pool = new JsonObject().put("type", "POOLED").put("loadBalancer", "DEPTH_FIRST")
                .put("maxSessionsPerHost", 7).put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false);
        String sessionId;
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "1"),
                LauncherTestEnv.env(), BerthServices.all())) {
            HttpResponse<String> created = put(stack.port(ServiceName.INVENTORY), "/api/v1/hostpools/durable",
                    stack.adminToken(), pool);
            assertThat(created.statusCode()).isEqualTo(200);
            sessionId = connect(stack, "erin").getString("sessionId");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "ACTIVE".equals(sessionState(stack, sessionId)));
        }

        // when the launcher starts again on the same data directory (new ports, same Kafka log, same secret)
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "1"),
                LauncherTestEnv.env(), BerthServices.all())) {
            // then the pool is still there
            HttpResponse<String> found = get(stack.port(ServiceName.INVENTORY), "/api/v1/hostpools/durable", stack.adminToken());
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(found.body()).getInteger("maxSessionsPerHost")).isEqualTo(7);
            HttpResponse<String> all = get(stack.port(ServiceName.INVENTORY), "/api/v1/hostpools", stack.adminToken());
            assertThat(new JsonArray(all.body()).stream().map(p -> ((JsonObject) p).getString("poolId")))
                    .containsExactlyInAnyOrder("durable", DemoFleet.POOL_ID);
            // and erin is still on her demo host, which took her session back
            assertThat(sessionState(stack, sessionId)).isEqualTo("ACTIVE");
            assertThat(stack.demoFleet().orElseThrow().sessionsTakenBack()).isEqualTo(1);
            JsonObject again = connect(stack, "erin");
            assertThat(again.getString("sessionId")).isEqualTo(sessionId);
            assertThat(again.getBoolean("reconnect")).isTrue();
        }
    }

    private JsonObject connect(LocalStack stack, String userId) {
        String gateway = stack.gatewayToken();
        JsonObject[] answer = new JsonObject[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<String> response = post(stack.port(ServiceName.BROKER), "/api/v1/connect", gateway,
                    new JsonObject().put("userId", userId).put("appGroupId", DemoFleet.APP_GROUP_ID));
            answer[0] = response.statusCode() == 200 ? new JsonObject(response.body()) : null;
            return answer[0] != null;
        });
        return answer[0];
    }

    private String sessionState(LocalStack stack, String sessionId) throws Exception {
        HttpResponse<String> session = get(stack.port(ServiceName.SESSION), "/api/v1/sessions/" + sessionId, stack.adminToken());
        return session.statusCode() == 200 ? new JsonObject(session.body()).getString("state") : "HTTP " + session.statusCode();
    }

    private HttpResponse<String> get(int port, String path, String token) {
        return new ApiClient(port).exchange("GET", path, token, null);
    }

    private HttpResponse<String> post(int port, String path, String token, JsonObject body) {
        return new ApiClient(port).exchange("POST", path, token, body);
    }

    private HttpResponse<String> put(int port, String path, String token, JsonObject body) {
        return new ApiClient(port).exchange("PUT", path, token, body);
    }
}
