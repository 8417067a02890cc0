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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling plans through the inventory's API against a real Kafka broker (DESIGN.md 7.3): CRUD and its
 * validation, the records on berth.config, a restart from Kafka alone, a pool's status and the dry run. The
 * scaler runs at its default interval here; what it does is {@code LiveScalerIT}'s.
 */
class ScalingPlansIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static RunningService service;
    private static ApiClient api;
    private static String admin;
    private static TopicRecorder<String> config;

    @BeforeAll
    static void startService() throws Exception {
        service = start();
        api = new ApiClient(service.httpPort());
        admin = new TestTokens(service.vertx()).admin();
        config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG);
    }

    @AfterAll
    static void stopService() throws Exception {
        config.close();
        service.close().await(30, TimeUnit.SECONDS);
    }

    private static RunningService start() throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY), InventoryVerticle::new);
    }

    static JsonObject pool(String type) {
        return new JsonObject().put("type", type).put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 4)
                .put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false);
    }

    /** A plan with one daily schedule: ramp-up, peak, ramp-down and off-peak at the given local times. */
    static JsonObject plan(String timeZone, JsonArray pools, String rampUp, String peak, String rampDown, String offPeak) {
        JsonArray days = new JsonArray().add("MONDAY").add("TUESDAY").add("WEDNESDAY").add("THURSDAY").add("FRIDAY")
                .add("SATURDAY").add("SUNDAY");
        return new JsonObject().put("timeZone", timeZone).put("hostPools", pools).put("exclusionTag", "no-autoscale")
                .put("schedules", new JsonArray().add(new JsonObject().put("name", "daily").put("daysOfWeek", days)
                        .put("rampUp", new JsonObject().put("start", rampUp).put("loadBalancer", "BREADTH_FIRST")
                                .put("minimumHostsPct", 20).put("capacityThresholdPct", 60))
                        .put("peak", new JsonObject().put("start", peak).put("loadBalancer", "DEPTH_FIRST"))
                        .put("rampDown", new JsonObject().put("start", rampDown).put("loadBalancer", "DEPTH_FIRST")
                                .put("minimumHostsPct", 10).put("capacityThresholdPct", 90)
                                .put("forceLogoffUsers", false).put("stopHostsWhen", "ZERO_SESSIONS"))
                        .put("offPeak", new JsonObject().put("start", offPeak).put("loadBalancer", "DEPTH_FIRST"))));
    }

    private static JsonObject plan(String... pools) {
        return plan("Europe/Paris", new JsonArray(java.util.List.of((Object[]) pools)), "07:00", "09:00", "18:00",
                "20:00");
    }

    private static void assertProblem(ApiClient.Answer answer, int status, String detail) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().getString("detail")).contains(detail);
    }

    @Test
    void plansAreCreatedListedValidatedAndDeleted() {
        // given two pooled pools and a personal one
        assertThat(api.put("/api/v1/hostpools/crud-1", admin, pool("POOLED")).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/hostpools/crud-2", admin, pool("POOLED")).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/hostpools/crud-personal", admin, pool("PERSONAL")).status()).isEqualTo(200);
        int configRecords = config.records().size();

        // when a plan is put
        ApiClient.Answer put = api.put("/api/v1/scalingplans/crud-plan", admin, plan("crud-1"));

        // then it is answered with its id, listed, readable and on berth.config
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().getString("planId")).isEqualTo("crud-plan");
        assertThat(put.json().getJsonArray("hostPools")).containsExactly("crud-1");
        assertThat(put.json().containsKey("v")).isFalse();
        assertThat(api.get("/api/v1/scalingplans/crud-plan", admin).json()).isEqualTo(put.json());
        assertThat(api.get("/api/v1/scalingplans", admin).array().stream()
                .map(p -> ((JsonObject) p).getString("planId"))).contains("crud-plan");
        assertThat(new JsonObject(config.awaitLatest("scalingplan/crud-plan", r -> r.value() != null).value())
                .getString("timeZone")).isEqualTo("Europe/Paris");
        assertThat(api.put("/api/v1/scalingplans/crud-plan", admin, put.json()).status())
                .as("a GET answer put back as it is").isEqualTo(200);

        // then bad plans are 4xx problems and change nothing
        int afterPut = config.records().size();
        assertProblem(api.put("/api/v1/scalingplans/other", admin, plan("crud-1")), 409, "crud-1");
        assertProblem(api.put("/api/v1/scalingplans/other", admin,
                plan("Mars/Olympus_Mons", new JsonArray().add("crud-2"), "07:00", "09:00", "18:00", "20:00")), 400,
                "Mars/Olympus_Mons");
        assertProblem(api.put("/api/v1/scalingplans/other", admin,
                plan("UTC", new JsonArray().add("crud-2"), "07:00", "25:00", "18:00", "20:00")), 400, "start");
        assertProblem(api.put("/api/v1/scalingplans/other", admin,
                plan("UTC", new JsonArray().add("crud-2"), "09:00", "07:00", "18:00", "20:00")), 400, "");
        assertProblem(api.put("/api/v1/scalingplans/other", admin, plan("crud-personal")), 400, "crud-personal");
        assertProblem(api.put("/api/v1/scalingplans/other", admin, plan("ghost-pool")), 400, "ghost-pool");
        assertProblem(api.put("/api/v1/scalingplans/other", admin, plan("crud-2").put("surprise", 1)), 400, "surprise");
        assertProblem(api.put("/api/v1/scalingplans/other", admin, plan("crud-2").put("planId", "another")), 400,
                "planId");
        assertProblem(api.get("/api/v1/scalingplans/ghost", admin), 404, "ghost");
        assertProblem(api.delete("/api/v1/scalingplans/ghost", admin), 404, "ghost");
        assertProblem(api.delete("/api/v1/hostpools/crud-1", admin), 409, "crud-plan");
        assertThat(config.records()).hasSize(afterPut);
        assertThat(afterPut).isGreaterThan(configRecords);

        // when the plan is deleted, then it is tombstoned and its pool can go
        assertThat(api.delete("/api/v1/scalingplans/crud-plan", admin).status()).isEqualTo(204);
        config.awaitLatest("scalingplan/crud-plan", r -> r.value() == null);
        assertProblem(api.get("/api/v1/scalingplans/crud-plan", admin), 404, "crud-plan");
        assertThat(api.delete("/api/v1/hostpools/crud-1", admin).status()).isEqualTo(204);
    }

    @Test
    void aPoolsStatusAndADryRunAnswerFromTheDecisionAndSurviveARestart() throws Exception {
        // given a pooled pool with no hosts in a plan, and a pool in no plan
        assertThat(api.put("/api/v1/hostpools/status-1", admin, pool("POOLED")).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/hostpools/status-free", admin, pool("POOLED")).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/scalingplans/status-plan", admin, plan("status-1")).status()).isEqualTo(200);

        // when its status is read
        ApiClient.Answer status = api.get("/api/v1/hostpools/status-1/scaling", admin);

        // then it names the plan, the phase in force and the capacity now
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        assertThat(status.json().getString("planId")).isEqualTo("status-plan");
        assertThat(status.json().getString("schedule")).isEqualTo("daily");
        assertThat(status.json().getString("phase")).isIn("RAMP_UP", "PEAK", "RAMP_DOWN", "OFF_PEAK");
        assertThat(status.json().getString("loadBalancer")).isIn("BREADTH_FIRST", "DEPTH_FIRST");
        assertThat(status.json().getJsonObject("capacity").getMap()).containsEntry("managedHosts", 0)
                .containsKeys("excludedHosts", "onHosts", "availableHosts", "startingHosts", "liveSessions", "usedPct",
                        "thresholdPct", "minimumHosts");
        assertThat(status.json().getJsonArray("actions")).isNotNull();
        assertProblem(api.get("/api/v1/hostpools/status-free/scaling", admin), 404, "status-free");
        assertProblem(api.get("/api/v1/hostpools/ghost/scaling", admin), 404, "ghost");

        // when a day is simulated at hourly steps with demand the empty pool cannot hold
        Instant from = Instant.now().truncatedTo(ChronoUnit.HOURS);
        JsonObject dryRun = new JsonObject().put("poolId", "status-1").put("from", from.toString())
                .put("to", from.plus(1, ChronoUnit.DAYS).toString()).put("stepMinutes", 60)
                .put("demand", new JsonArray().add(new JsonObject().put("at", from.toString()).put("sessions", 3)));
        ApiClient.Answer simulated = api.post("/api/v1/scalingplans/status-plan/simulate", admin, dryRun);

        // then every step is answered, each rejecting the demand
        assertThat(simulated.status()).as(simulated.body()).isEqualTo(200);
        JsonArray steps = simulated.json().getJsonArray("steps");
        assertThat(steps).hasSize(25);
        assertThat(steps.getJsonObject(0).getString("at")).isEqualTo(from.toString());
        assertThat(steps.getJsonObject(0).getMap()).containsEntry("rejectedSessions", 3).containsEntry("onHosts", 0)
                .containsKeys("phase", "loadBalancer", "availableHosts", "liveSessions", "usedPct", "actions");

        // and bad dry runs are 4xx problems
        assertProblem(api.post("/api/v1/scalingplans/ghost/simulate", admin, dryRun), 404, "ghost");
        assertProblem(api.post("/api/v1/scalingplans/status-plan/simulate", admin,
                dryRun.copy().put("poolId", "status-free")), 400, "status-free");
        assertProblem(api.post("/api/v1/scalingplans/status-plan/simulate", admin,
                dryRun.copy().put("stepMinutes", 0)), 400, "stepMinutes");
        assertProblem(api.post("/api/v1/scalingplans/status-plan/simulate", admin,
                dryRun.copy().put("to", from.minus(1, ChronoUnit.HOURS).toString())), 400, "from");
        assertProblem(api.post("/api/v1/scalingplans/status-plan/simulate", admin,
                dryRun.copy().put("demand", new JsonArray().add(new JsonObject().put("at", from.toString())
                        .put("sessions", -1)))), 400, "sessions");

        // when the service restarts
        JsonObject planBefore = api.get("/api/v1/scalingplans/status-plan", admin).json();
        service.close().await(30, TimeUnit.SECONDS);
        service = start();
        api.port(service.httpPort());

        // then the plan and the pool's status are still there
        assertThat(api.get("/api/v1/scalingplans/status-plan", admin).json()).isEqualTo(planBefore);
        ApiClient.Answer after = api.get("/api/v1/hostpools/status-1/scaling", admin);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().getString("planId")).isEqualTo("status-plan");
    }
}
