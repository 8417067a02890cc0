package io.berth.inventory;

import io.berth.common.config.ServiceName;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.EventWriter;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's command channel across a change of writer (DESIGN.md 7.1, 7.2): heartbeats sent to a follower get
 * the writer's answer with the host's commands, and once the writer is gone, the instance that takes over sends
 * again what was not acknowledged and nothing that was.
 */
class AgentCommandFailoverIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static RunningService start() throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY), InventoryVerticle::new);
    }

    private static ApiClient.Answer heartbeat(ApiClient api, String agent, String... acked) {
        return api.post("/api/v1/agent/heartbeat", agent, new JsonObject().put("hostId", "vm-f1")
                .put("status", "AVAILABLE").put("ackedCommandIds", new JsonArray(List.of(acked))));
    }

    private static List<String> commandIds(ApiClient.Answer heartbeat) {
        assertThat(heartbeat.status()).as(heartbeat.body()).isEqualTo(200);
        return heartbeat.json().getJsonArray("commands").stream()
                .map(command -> ((JsonObject) command).getString("commandId")).toList();
    }

    @Test
    void theNextWriterResendsWhatWasNotAcknowledgedAndNothingThatWas() throws Exception {
        // given a writer and a follower, and a host registered through the follower
        RunningService writer = start();
        RunningService follower = null;
        try {
            follower = start();
            ApiClient api = new ApiClient(follower.httpPort());
            String admin = new TestTokens(follower.vertx()).admin();
            assertThat(api.put("/api/v1/hostpools/ha", admin, new JsonObject().put("type", "POOLED")
                    .put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 5)
                    .put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false)).status()).isEqualTo(200);
            String token = api.post("/api/v1/hostpools/ha/registration-tokens", admin,
                    new JsonObject().put("ttlSeconds", 600)).json().getString("token");
            String agent = api.post("/api/v1/agent/register", null, new JsonObject().put("registrationToken", token)
                    .put("hostName", "vm-f1")).json().getString("agentToken");
            Instant at = Instant.now();
            try (EventWriter events = new EventWriter(kafka.kafkaConfig())) {
                events.send(Topics.HOST_COMMANDS, "vm-f1", new HostCommandEvent(1, "c-1", "vm-f1",
                        HostCommandType.LOGOFF, "s-1", null, "MAX_SESSION_TIME", at));
                events.send(Topics.HOST_COMMANDS, "vm-f1", new HostCommandEvent(1, "c-2", "vm-f1",
                        HostCommandType.MESSAGE, "s-2", "Your session ends in 5 minutes", null, at));
            }

            // when the agent heartbeats through the follower, and acknowledges the first command
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(commandIds(heartbeat(api, agent))).containsExactly("c-1", "c-2"));
            assertThat(commandIds(heartbeat(api, agent, "c-1"))).containsExactly("c-2");

            // and the writer stops, so that the follower takes the role and reads the commands again
            writer.close().await(30, TimeUnit.SECONDS);
            writer = null;

            // then the new writer sends the unacknowledged command, and not the acknowledged one
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ApiClient.Answer beat = heartbeat(api, agent);
                return beat.status() == 200 && commandIds(beat).contains("c-2");
            });
            assertThat(commandIds(heartbeat(api, agent))).containsExactly("c-2");
            assertThat(commandIds(heartbeat(api, agent, "c-2"))).isEmpty();
            assertThat(commandIds(heartbeat(api, agent))).isEmpty();
        } finally {
            if (writer != null) {
                writer.close().await(30, TimeUnit.SECONDS);
            }
            if (follower != null) {
                follower.close().await(30, TimeUnit.SECONDS);
            }
        }
    }
}
