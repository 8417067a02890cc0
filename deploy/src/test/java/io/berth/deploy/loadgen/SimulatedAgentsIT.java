package io.berth.deploy.loadgen;

import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.EventWriter;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.BerthEndpoints;
import io.berth.deploy.demo.HostAgents;
import io.berth.deploy.demo.SimulatedHost;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulated hosts' agents and power controller, shared by the demo fleet and the load generator, against
 * a recorded stand-in for the agent API (heartbeats answered as DESIGN.md 7.2 says, session reports accepted)
 * and a real Kafka carrying {@code START} and {@code STOP} on {@code berth.host-commands}. The launcher ITs
 * show the same against the real services.
 */
class SimulatedAgentsIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private final List<JsonObject> heartbeats = new CopyOnWriteArrayList<>();
    private final List<JsonObject> sessionReports = new CopyOnWriteArrayList<>();
    // Commands the stand-in sends in every answer until a heartbeat acknowledges them.
    private final Map<String, JsonObject> pending = new ConcurrentHashMap<>();
    private Vertx vertx;
    private Context context;
    private HttpServer agentApi;
    private BerthApiClient api;
    private SimulatedHost host;
    private HostAgents agents;
    private PowerCommandReader powerCommands;

    @BeforeEach
    void start() throws Exception {
        TopicBootstrapper.ensureTopics(KAFKA.kafkaConfig(), Duration.ofSeconds(30));
        vertx = Vertx.vertx();
        agentApi = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (request.path().equals("/api/v1/agent/heartbeat")) {
                JsonObject heartbeat = body.toJsonObject();
                heartbeats.add(heartbeat);
                // As an inventory instance that built the answer before it applied the acknowledgements: the
                // acknowledged commands come once more, and the agent must not carry them out again.
                JsonArray commands = new JsonArray(List.copyOf(pending.values()));
                heartbeat.getJsonArray("ackedCommandIds", new JsonArray()).forEach(pending::remove);
                request.response().putHeader("content-type", "application/json")
                        .end(new JsonObject().put("nextHeartbeatSeconds", 1).put("commands", commands).encode());
            } else {
                sessionReports.add(body.toJsonObject().put("sessionId", request.path().split("/")[5]));
                request.response().setStatusCode(202).end();
            }
        })).listen(0, "127.0.0.1").await();
        int port = agentApi.actualPort();
        api = new BerthApiClient(vertx, new BerthEndpoints("127.0.0.1", port, port, port), 4);
        host = new SimulatedHost("h1.test", "agent-token");
        context = vertx.getOrCreateContext();
        agents = new HostAgents(vertx, api, Duration.ofMillis(200), id -> id.equals(host.hostId()) ? host : null,
                (h, sessionId) -> h.ended(sessionId).ifPresent(s ->
                        api.sessionEvent(h.agentToken(), sessionId, "LOGOFF", s.userId(), h.hostId())),
                e -> { });
    }

    @AfterEach
    void stop() {
        if (powerCommands != null) {
            powerCommands.close(vertx).await();
        }
        api.close();
        vertx.close().await();
    }

    @Test
    void aLogoffInTheHeartbeatAnswerEndsTheSessionOnceAndEveryCommandIsAcknowledged() {
        // given a host with alice logged on, and a LOGOFF and a MESSAGE waiting for it
        context.runOnContext(v -> {
            host.allocated("s1", "alice");
            host.loggedOn("s1");
        });
        pending.put("c1", command("c1", "LOGOFF", "s1", null));
        pending.put("c2", command("c2", "MESSAGE", "s1", "Save your work"));

        // when it heartbeats a few times (the first answer carries both commands, the second repeats them)
        for (int i = 1; i <= 3; i++) {
            int sent = i;
            context.runOnContext(v -> agents.heartbeat(host));
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.size() >= sent);
        }

        // then alice's LOGOFF was reported once, the message counted once, and both commands acknowledged
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sessionReports).singleElement()
                .satisfies(report -> assertThat(report.getMap()).containsEntry("type", "LOGOFF")
                        .containsEntry("sessionId", "s1").containsEntry("userId", "alice")));
        assertThat(agents.logoffCommands()).isEqualTo(1);
        assertThat(agents.messages()).isEqualTo(1);
        assertThat(heartbeats.get(0).containsKey("ackedCommandIds")).isFalse();
        assertThat(heartbeats.get(1).getJsonArray("ackedCommandIds").getList()).containsExactlyInAnyOrder("c1", "c2");
        assertThat(heartbeats.get(1).getJsonArray("sessionIds")).isEmpty();
        assertThat(pending).isEmpty();
    }

    @Test
    void aStopShutsTheHostDownSilentlyAndAStartBringsItBack() {
        // given the power controller following berth.host-commands, and a host with bob on it, heartbeating often
        Instant since = Instant.now();
        context.runOnContext(v -> {
            host.allocated("s2", "bob");
            powerCommands = PowerCommandReader.start(vertx, port(KAFKA.bootstrapServers()), since, agents::powerCommand);
            vertx.setPeriodic(50, t -> agents.heartbeat(host));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !heartbeats.isEmpty());

        // when the scaler stops it
        try (EventWriter writer = new EventWriter(KAFKA.kafkaConfig())) {
            writer.send(Topics.HOST_COMMANDS, host.hostId(), new HostCommandEvent(0, "p1", host.hostId(),
                    HostCommandType.STOP, null, null, "ramp-down: empty host", Instant.now()));

            // then bob is logged off, the host says SHUTDOWN once and then nothing while it is off
            await().atMost(Duration.ofSeconds(30)).until(() -> last().getString("status").equals("SHUTDOWN"));
            assertThat(last().getJsonArray("sessionIds")).isEmpty();
            assertThat(sessionReports).extracting(r -> r.getString("sessionId") + " " + r.getString("type"))
                    .containsExactly("s2 LOGOFF");
            int afterShutdown = heartbeats.size();
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> heartbeats.size() == afterShutdown);

            // when it is started again
            writer.send(Topics.HOST_COMMANDS, host.hostId(), new HostCommandEvent(0, "p2", host.hostId(),
                    HostCommandType.START, null, null, "demand: used capacity above the threshold", Instant.now()));
        }

        // then after its boot it heartbeats AVAILABLE again
        await().atMost(Duration.ofSeconds(30)).until(() -> last().getString("status").equals("AVAILABLE"));
        assertThat(agents.stops()).isEqualTo(1);
        assertThat(agents.starts()).isEqualTo(1);
        assertThat(heartbeats.stream().filter(h -> h.getString("status").equals("SHUTDOWN"))).hasSize(1);
    }

    private JsonObject last() {
        return heartbeats.get(heartbeats.size() - 1);
    }

    private static int port(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0];
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    private static JsonObject command(String id, String type, String sessionId, String message) {
        JsonObject command = new JsonObject().put("commandId", id).put("command", type).put("sessionId", sessionId)
                .put("at", Instant.now().toString());
        return message == null ? command : command.put("message", message);
    }
}
