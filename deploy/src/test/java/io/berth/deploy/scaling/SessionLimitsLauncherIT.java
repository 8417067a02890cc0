package io.berth.deploy.scaling;

import io.berth.common.config.ServiceName;
import io.berth.common.testing.ApiClient;
import io.berth.deploy.BerthLocal;
import io.berth.deploy.BerthServices;
import io.berth.deploy.LauncherOptions;
import io.berth.deploy.LauncherTestEnv;
import io.berth.deploy.LocalStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session limits through the launcher (issue 13, DESIGN.md 7.5 and 7.2): in a pool with a one-minute
 * disconnected timeout, a connected, logged-on, then disconnected session gets a {@code LOGOFF} in its host's
 * heartbeat answer, and once the agent logged it off it is {@code ENDED} with {@code endReason}
 * {@code DISCONNECTED_TIMEOUT}. The agent is driven by hand over HTTP, so the test reads its heartbeat answers.
 */
class SessionLimitsLauncherIT {

    private static final String POOL = "limits";
    private static final String APP_GROUP = "limits-desktop";
    private static final String USER = "frank";

    @TempDir
    Path dataDir;

    @Test
    void aSessionDisconnectedLongerThanTheTimeoutIsLoggedOffThroughTheHeartbeatAndEndsWithThatReason() {
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "0"),
                LauncherTestEnv.env(), BerthServices.all())) {
            String admin = stack.adminToken();
            ApiClient inventory = new ApiClient(stack.port(ServiceName.INVENTORY));
            ApiClient sessions = new ApiClient(stack.port(ServiceName.SESSION));

            // given a pool whose disconnected sessions end after one minute, and one host registered by hand
            assertThat(inventory.put("/api/v1/hostpools/" + POOL, admin, new JsonObject().put("type", "POOLED")
                    .put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 2).put("personalAssignment", "AUTOMATIC")
                    .put("startVmOnConnect", false).put("heartbeatSeconds", 5).put("disconnectedTimeoutMinutes", 1))
                    .status()).isEqualTo(200);
            assertThat(inventory.put("/api/v1/appgroups/" + APP_GROUP, admin, new JsonObject().put("poolId", POOL)
                    .put("type", "DESKTOP").put("users", new JsonArray().add(USER)).put("groups", new JsonArray()))
                    .status()).isEqualTo(200);
            ApiClient.Answer token = inventory.post("/api/v1/hostpools/" + POOL + "/registration-tokens", admin,
                    new JsonObject().put("ttlSeconds", 600));
            assertThat(token.status()).isEqualTo(201);
            ApiClient.Answer registered = inventory.post("/api/v1/agent/register", null, new JsonObject()
                    .put("registrationToken", token.json().getString("token")).put("hostName", "limits-host-1.test"));
            assertThat(registered.status()).isEqualTo(201);
            String hostId = registered.json().getString("hostId");
            String agent = registered.json().getString("agentToken");
            assertThat(heartbeat(inventory, agent, hostId, new JsonArray(), new JsonArray()).status()).isEqualTo(200);

            // when frank connects, logs on, and disconnects
            String sessionId = connect(stack).getString("sessionId");
            JsonArray held = new JsonArray().add(sessionId);
            assertThat(heartbeat(inventory, agent, hostId, held, new JsonArray()).status()).isEqualTo(200);
            assertThat(report(sessions, agent, sessionId, "LOGON", hostId).status()).isEqualTo(202);
            assertThat(report(sessions, agent, sessionId, "DISCONNECT", hostId).status()).isEqualTo(202);
            await("DISCONNECTED").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "DISCONNECTED".equals(session(sessions, admin, sessionId).getString("state")));

            // then, about a minute later, the host's heartbeat answer carries a LOGOFF for that session
            JsonObject[] logoff = new JsonObject[1];
            await("LOGOFF in a heartbeat answer").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        ApiClient.Answer answer = heartbeat(inventory, agent, hostId, held, new JsonArray());
                        assertThat(answer.status()).isEqualTo(200);
                        logoff[0] = answer.json().getJsonArray("commands", new JsonArray()).stream()
                                .map(JsonObject.class::cast)
                                .filter(c -> "LOGOFF".equals(c.getString("command")) && sessionId.equals(c.getString("sessionId")))
                                .findFirst().orElse(null);
                        return logoff[0] != null;
                    });
            assertThat(logoff[0].getString("commandId")).isNotBlank();
            assertThat(logoff[0].getString("at")).isNotBlank();

            // when the agent logs the session off as told and acknowledges the command
            assertThat(report(sessions, agent, sessionId, "LOGOFF", hostId).status()).isEqualTo(202);
            ApiClient.Answer acked = heartbeat(inventory, agent, hostId, new JsonArray(),
                    new JsonArray().add(logoff[0].getString("commandId")));
            assertThat(acked.status()).isEqualTo(200);

            // then the session is ENDED with endReason DISCONNECTED_TIMEOUT, and the command is not sent again
            await("ENDED with DISCONNECTED_TIMEOUT").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonObject ended = session(sessions, admin, sessionId);
                        assertThat(ended.getString("state")).isEqualTo("ENDED");
                        assertThat(ended.getString("endReason")).isEqualTo("DISCONNECTED_TIMEOUT");
                    });
            JsonArray after = heartbeat(inventory, agent, hostId, new JsonArray(), new JsonArray()).json()
                    .getJsonArray("commands", new JsonArray());
            assertThat(after.stream().map(JsonObject.class::cast).map(c -> c.getString("commandId")))
                    .doesNotContain(logoff[0].getString("commandId"));
        }
    }

    private static ApiClient.Answer heartbeat(ApiClient inventory, String agent, String hostId, JsonArray sessionIds,
                                              JsonArray acked) {
        JsonObject body = new JsonObject().put("hostId", hostId).put("status", "AVAILABLE").put("sessionIds", sessionIds)
                .put("healthChecks", new JsonArray().add(new JsonObject().put("name", "by-hand").put("ok", true)));
        if (!acked.isEmpty()) {
            body.put("ackedCommandIds", acked);
        }
        return inventory.post("/api/v1/agent/heartbeat", agent, body);
    }

    private static ApiClient.Answer report(ApiClient sessions, String agent, String sessionId, String type, String hostId) {
        return sessions.post("/api/v1/agent/sessions/" + sessionId + "/events", agent,
                new JsonObject().put("type", type).put("userId", USER).put("hostId", hostId));
    }

    private static JsonObject session(ApiClient sessions, String admin, String sessionId) {
        ApiClient.Answer answer = sessions.get("/api/v1/sessions/" + sessionId, admin);
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    private static JsonObject connect(LocalStack stack) {
        ApiClient broker = new ApiClient(stack.port(ServiceName.BROKER));
        String gateway = stack.gatewayToken();
        JsonObject[] placed = new JsonObject[1];
        await("connect").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ApiClient.Answer answer = broker.post("/api/v1/connect", gateway,
                    new JsonObject().put("userId", USER).put("appGroupId", APP_GROUP));
            placed[0] = answer.status() == 200 ? answer.json() : null;
            return placed[0] != null;
        });
        return placed[0];
    }
}
