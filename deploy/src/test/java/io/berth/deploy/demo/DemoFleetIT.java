package io.berth.deploy.demo;

import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.testing.ApiClient;
import io.berth.deploy.BerthLocal;
import io.berth.deploy.BerthServices;
import io.berth.deploy.LauncherOptions;
import io.berth.deploy.LauncherTestEnv;
import io.berth.deploy.LocalStack;
import io.berth.deploy.client.BerthApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo fleet's whole story at a fast pace: register, heartbeat, a user placed, logged on, logged off. */
class DemoFleetIT {

    @TempDir
    Path dataDir;

    private LocalStack stack;
    private Vertx vertx;
    private BerthApiClient api;
    private DemoFleet fleet;

    @BeforeEach
    void startBerth() {
        stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "0"),
                LauncherTestEnv.env(), BerthServices.all());
        vertx = Vertx.vertx();
        api = new BerthApiClient(vertx, stack.endpoints(), 8);
    }

    @AfterEach
    void stopBerth() {
        if (fleet != null) {
            fleet.close();
        }
        api.close();
        vertx.close().await();
        stack.close();
    }

    @Test
    void aPlacedUserIsLoggedOnAndLaterOffAndTheHostsReportTheirSessions() {
        // given a fleet of two hosts whose users stay one to two seconds
        DemoFleet.Settings fast = new DemoFleet.Settings(2, 2, 5, Duration.ofMillis(100), Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofSeconds(2));
        fleet = DemoFleet.start(vertx, api, new KafkaConfig(stack.kafkaBootstrapServers(), 6, (short) 1),
                stack.adminToken(), fast).await();
        String admin = stack.adminToken();
        JsonArray hosts = api.hosts(admin, DemoFleet.POOL_ID).await();
        assertThat(hosts).hasSize(2);

        // when bob, a member of the demo users' group, connects
        JsonObject[] answer = new JsonObject[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<Buffer> response = api.connect(stack.gatewayToken(), "bob", DemoFleet.APP_GROUP_ID,
                    List.of(DemoFleet.USER_GROUP)).await();
            answer[0] = response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
            return answer[0] != null;
        });
        String sessionId = answer[0].getString("sessionId");

        // then his host's agent logs him on, and a little later off
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "ACTIVE".equals(api.session(admin, sessionId).await().getString("state")));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ENDED".equals(api.session(admin, sessionId).await().getString("state")));
        // (the fleet counts a report once the session service has answered it, just after the state changed)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fleet.logons()).isGreaterThanOrEqualTo(1);
            assertThat(fleet.logoffs()).isGreaterThanOrEqualTo(1);
            assertThat(fleet.allocationsSeen()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void anOperatorsLogoffReachesTheHostInAHeartbeatAnswerAndTheSessionEndsWithLogoff() {
        // given a one-host fleet heartbeating every 2 s whose users stay ten minutes, and carol logged on
        DemoFleet.Settings longStay = new DemoFleet.Settings(1, 2, 2, Duration.ofMillis(100), Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMinutes(10));
        fleet = DemoFleet.start(vertx, api, new KafkaConfig(stack.kafkaBootstrapServers(), 6, (short) 1),
                stack.adminToken(), longStay).await();
        String admin = stack.adminToken();
        JsonObject[] answer = new JsonObject[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<Buffer> response = api.connect(stack.gatewayToken(), "carol", DemoFleet.APP_GROUP_ID,
                    List.of(DemoFleet.USER_GROUP)).await();
            answer[0] = response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
            return answer[0] != null;
        });
        String sessionId = answer[0].getString("sessionId");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "ACTIVE".equals(api.session(admin, sessionId).await().getString("state")));

        // when an operator logs her off
        ApiClient sessions = new ApiClient(stack.port(ServiceName.SESSION));
        assertThat(sessions.post("/api/v1/sessions/" + sessionId + "/logoff", admin, null).status()).isEqualTo(202);

        // then her host's agent gets the LOGOFF in a heartbeat answer, logs her off, and the session ends so
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonObject session = api.session(admin, sessionId).await();
            assertThat(session.getString("state")).isEqualTo("ENDED");
            assertThat(session.getString("endReason")).isEqualTo("LOGOFF");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fleet.logoffCommands()).isEqualTo(1);
            assertThat(fleet.logoffs()).isEqualTo(1);
        });
    }
}
