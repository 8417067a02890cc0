package io.berth.inventory;

import io.berth.common.config.ServiceName;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.berth.common.testing.TopicRecorder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live scaler against a real Kafka broker, at a one-second interval: in ramp-down, of three empty available
 * hosts one is drained (on berth.host-health, as an admin's PATCH would) and stopped (a STOP on
 * berth.host-commands), the pool's phase goes to berth.config, and the status lists both actions. A second
 * instance, not the writer, evaluates the same plan for its gauges but never publishes; once it takes the writer
 * role over, it undoes its predecessor's drains when the pool enters peak, knowing them from the scaler's memory.
 */
class LiveScalerIT {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+)\\{([^}]*)} (\\S+)$");
    private static final InventorySettings FAST_SCALER = new InventorySettings(Optional.empty(), Duration.ofSeconds(6),
            Duration.ofSeconds(1));

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static RunningService startInstance() throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY),
                context -> new InventoryVerticle(context, FAST_SCALER));
    }

    /** A fixed-offset zone whose local time is now about noon, far from midnight and the plan's phase starts. */
    private static String zoneAtNoon() {
        int offset = 12 - Instant.now().atOffset(ZoneOffset.UTC).getHour();
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-" + offset : "Etc/GMT+" + -offset;
    }

    /** The value of a sample of {@code /metrics} whose labels include all of {@code labels}; -1 when absent. */
    private static double metric(ApiClient api, String name, String... labels) {
        Matcher matcher = SAMPLE.matcher(api.get("/metrics", null).body());
        while (matcher.find()) {
            if (matcher.group(1).equals(name) && List.of(labels).stream().allMatch(matcher.group(2)::contains)) {
                return Double.parseDouble(matcher.group(3));
            }
        }
        return -1;
    }

    private static String registerAvailableHost(ApiClient api, String admin, String poolId, String hostName) {
        String token = api.post("/api/v1/hostpools/" + poolId + "/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 600)).json().getString("token");
        ApiClient.Answer registered = api.post("/api/v1/agent/register", null,
                new JsonObject().put("registrationToken", token).put("hostName", hostName));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String agent = registered.json().getString("agentToken");
        ApiClient.Answer beat = api.post("/api/v1/agent/heartbeat", agent, new JsonObject().put("hostId", hostName)
                .put("status", "AVAILABLE").put("sessionIds", new JsonArray()).put("healthChecks", new JsonArray()));
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        return hostName;
    }

    @Test
    void inRampDownTheWriterDrainsAndStopsOneEmptyHostAFollowerPublishesNothingAndTakesOverWithItsMemory()
            throws Exception {
        RunningService writer = startInstance();
        RunningService follower = null;
        try (TopicRecorder<String> commands = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.HOST_COMMANDS);
             TopicRecorder<String> health = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.HOST_HEALTH);
             TopicRecorder<String> config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG)) {
            // given a writer and a follower, both scaling every second
            ApiClient writerApi = new ApiClient(writer.httpPort());
            follower = startInstance();
            ApiClient followerApi = new ApiClient(follower.httpPort());
            assertThat(metric(writerApi, "berth_inventory_writer")).isEqualTo(1.0);
            assertThat(metric(followerApi, "berth_inventory_writer")).isEqualTo(0.0);
            String admin = new TestTokens(writer.vertx()).admin();

            // and three empty AVAILABLE hosts in a pooled pool
            assertThat(writerApi.put("/api/v1/hostpools/scaled", admin, ScalingPlansIT.pool("POOLED")).status())
                    .isEqualTo(200);
            List<String> hosts = List.of("vm-s1", "vm-s2", "vm-s3").stream()
                    .map(name -> registerAvailableHost(writerApi, admin, "scaled", name)).toList();

            // when a plan puts the pool in ramp-down now (10 % minimum: one host is enough)
            ApiClient.Answer put = followerApi.put("/api/v1/scalingplans/evening", admin, ScalingPlansIT.plan(
                    zoneAtNoon(), new JsonArray().add("scaled"), "01:00", "02:00", "03:00", "23:00"));
            assertThat(put.status()).as(put.body()).isEqualTo(200);

            // then one of them is stopped, with a reason, and was drained first
            ConsumerRecord<String, String> stop = commands.awaitFirst(r -> r.value() != null
                    && "STOP".equals(new JsonObject(r.value()).getString("command")), Duration.ofSeconds(30));
            JsonObject stopCommand = new JsonObject(stop.value());
            String stopped = stopCommand.getString("hostId");
            assertThat(stopped).isIn(hosts);
            assertThat(stop.key()).isEqualTo(stopped);
            assertThat(stopCommand.getString("commandId")).isNotBlank();
            assertThat(stopCommand.getString("reason")).isNotBlank();
            health.awaitLatest(stopped, r -> r.value() != null
                    && !new JsonObject(r.value()).getBoolean("allowNewSessions"));
            assertThat(new JsonObject(config.awaitLatest("scaling/scaled", r -> r.value() != null).value()).getMap())
                    .containsEntry("planId", "evening").containsEntry("phase", "RAMP_DOWN")
                    .containsEntry("loadBalancer", "DEPTH_FIRST");

            // and the status, on either instance, lists the drain and the stop of that host
            for (ApiClient api : List.of(writerApi, followerApi)) {
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    JsonObject status = api.get("/api/v1/hostpools/scaled/scaling", admin).json();
                    assertThat(status.getString("phase")).isEqualTo("RAMP_DOWN");
                    assertThat(status.getJsonArray("actions").stream().map(JsonObject.class::cast)
                            .filter(action -> action.getString("hostId").equals(stopped))
                            .map(action -> action.getString("action"))).contains("DRAIN", "STOP");
                });
            }
            assertThat(writerApi.get("/api/v1/hosts/" + stopped, admin).json().getBoolean("allowNewSessions"))
                    .isFalse();

            // and the writer counted what it published, while the follower, which evaluates too, never published
            assertThat(metric(writerApi, "berth_scaling_actions_total", "action=\"STOP\"", "pool=\"scaled\""))
                    .isGreaterThanOrEqualTo(1.0);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metric(followerApi,
                    "berth_scaling_phase", "phase=\"RAMP_DOWN\"", "pool=\"scaled\"")).isEqualTo(1.0));
            for (String action : List.of("START", "STOP", "DRAIN", "UNDRAIN", "MESSAGE", "LOGOFF")) {
                assertThat(metric(followerApi, "berth_scaling_actions_total", "action=\"" + action + "\"",
                        "pool=\"scaled\"")).as(action).isEqualTo(0.0);
            }
            assertThat(metric(followerApi, "berth_publish_failures_total")).as("the follower never tried to publish")
                    .isEqualTo(0.0);
            assertThat(metric(writerApi, "berth_scaling_hosts", "pool=\"scaled\"", "state=\"managed\"")).isEqualTo(3.0);

            // when the writer stops and the follower takes the role over
            ServiceUnderTest.stop(writer);
            writer = null;
            await().atMost(Duration.ofSeconds(60)).until(() -> metric(followerApi, "berth_inventory_writer") == 1.0);

            // and the plan moves the pool into peak
            ApiClient.Answer peak = followerApi.put("/api/v1/scalingplans/evening", admin, ScalingPlansIT.plan(
                    zoneAtNoon(), new JsonArray().add("scaled"), "01:00", "02:00", "23:00", "23:30"));
            assertThat(peak.status()).as(peak.body()).isEqualTo(200);

            // then the new writer publishes the phase and undoes its predecessor's drains, which it knows were the
            // scaler's from the memory on berth.config
            config.awaitLatest("scaling/scaled", r -> r.value() != null
                    && "PEAK".equals(new JsonObject(r.value()).getString("phase")));
            health.awaitLatest(stopped, r -> r.value() != null
                    && new JsonObject(r.value()).getBoolean("allowNewSessions"));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(followerApi
                    .get("/api/v1/hostpools/scaled/hosts", admin).array().stream().map(JsonObject.class::cast)
                    .map(host -> host.getBoolean("allowNewSessions"))).containsOnly(true));
            assertThat(metric(followerApi, "berth_scaling_actions_total", "action=\"UNDRAIN\"", "pool=\"scaled\""))
                    .isGreaterThanOrEqualTo(1.0);
        } finally {
            ServiceUnderTest.stop(follower);
            ServiceUnderTest.stop(writer);
        }
    }
}
