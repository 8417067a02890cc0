package io.berth.deploy.scaling;

import io.berth.common.config.Env;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.testing.ApiClient;
import io.berth.deploy.BerthLocal;
import io.berth.deploy.BerthServices;
import io.berth.deploy.LauncherOptions;
import io.berth.deploy.LauncherTestEnv;
import io.berth.deploy.LocalStack;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.demo.DemoFleet;
import io.berth.deploy.demo.DemoScalingPlan;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Autoscale through the launcher (issue 12): a scaling plan whose phases are placed around the current time
 * stops the demo pool's empty hosts in ramp-down, and starts a stopped one when connects through the broker
 * push the used capacity past the threshold; the demo fleet is the power controller that obeys. Observed
 * through {@code GET /hostpools/{id}/scaling} and the hosts listing.
 */
class ScalingLauncherIT {

    private static final Duration SCALER_WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dataDir;

    @Test
    void aPlanStopsEmptyHostsInRampDownAndStartsAStoppedOneWhenDemandRisesPastTheThreshold() {
        // given the launcher with a scaler evaluating every 2 s
        Map<String, String> variables = new HashMap<>(LauncherTestEnv.variables());
        variables.put(DemoScalingPlan.SCALER_INTERVAL, "2");
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "0"),
                Env.of(variables), BerthServices.all())) {
            Vertx vertx = Vertx.vertx();
            BerthApiClient api = new BerthApiClient(vertx, stack.endpoints(), 8);
            String admin = stack.adminToken();
            ApiClient inventory = new ApiClient(stack.port(ServiceName.INVENTORY));
            // and a demo fleet of 4 hosts (4 sessions each) whose users stay 10 minutes and whose hosts boot in 1 s
            DemoFleet.Settings settings = new DemoFleet.Settings(4, 4, 2, Duration.ofMillis(100), Duration.ofMillis(300),
                    Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofSeconds(1));
            DemoFleet fleet = DemoFleet.start(vertx, api, new KafkaConfig(stack.kafkaBootstrapServers(), 6, (short) 1),
                    admin, settings).await();
            try {
                // when a plan in ramp-down since this minute (minimum 25 % = 1 host, threshold 50 %) is attached
                Instant now = Instant.now();
                ZoneId zone = DemoScalingPlan.middayZone(now);
                LocalTime local = LocalTime.ofInstant(now, zone).truncatedTo(ChronoUnit.MINUTES);
                fleet.attach(new DemoScalingPlan(zone, local.minusMinutes(2), local.minusMinutes(1), local,
                        local.plusHours(2), 25, 50)).await();

                // then the scaler is in ramp-down and stops the empty hosts one at a time, down to the minimum
                await("empty hosts stopped down to the minimum").atMost(SCALER_WAIT).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            assertThat(healths(inventory, admin)).containsExactlyInAnyOrder(
                                    "AVAILABLE", "SHUTDOWN", "SHUTDOWN", "SHUTDOWN");
                            JsonObject status = scaling(inventory, admin);
                            assertThat(status.getString("phase")).isEqualTo("RAMP_DOWN");
                            assertThat(status.getJsonObject("capacity").getInteger("availableHosts")).isEqualTo(1);
                            assertThat(status.getJsonObject("capacity").getInteger("minimumHosts")).isEqualTo(1);
                            assertThat(hostsActedOn(status, "STOP")).hasSize(3);
                        });
                assertThat(fleet.stops()).isEqualTo(3);
                String running = hostsIn(inventory, admin, "AVAILABLE").get(0);

                // when three users connect through the broker (3 of the host's 4 slots: 75 % > 50 %)
                for (int i = 1; i <= 3; i++) {
                    assertThat(connect(stack, "scaling-user-" + i).getString("hostId")).isEqualTo(running);
                }

                // then a stopped host is started, boots, and heartbeats AVAILABLE again
                await("a stopped host started").atMost(SCALER_WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    JsonObject status = scaling(inventory, admin);
                    assertThat(hostsActedOn(status, "START")).hasSize(1);
                    assertThat(hostsIn(inventory, admin, "AVAILABLE")).hasSize(2).contains(running);
                    assertThat(status.getJsonObject("capacity").getInteger("liveSessions")).isEqualTo(3);
                });
                assertThat(fleet.starts()).isEqualTo(1);
                // and, the demand held, no more than that one: 3 sessions on 2 hosts are under the threshold
                assertThat(healths(inventory, admin)).containsExactlyInAnyOrder("AVAILABLE", "AVAILABLE", "SHUTDOWN", "SHUTDOWN");
            } finally {
                fleet.close();
                api.close();
                vertx.close().await();
            }
        }
    }

    @Test
    void theDemoScalingPlanFlagPutsAPlanInRampDownOnTheDemoPool() {
        // when the launcher starts with --demo-scaling-plan
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "2",
                "--demo-scaling-plan"), LauncherTestEnv.env(), BerthServices.all())) {
            String admin = stack.adminToken();
            ApiClient inventory = new ApiClient(stack.port(ServiceName.INVENTORY));

            // then plan 'demo' holds the demo pool, and the scaler reports it in ramp-down
            assertThat(stack.demoFleet().orElseThrow().scalingPlan()).isPresent();
            ApiClient.Answer plan = inventory.get("/api/v1/scalingplans/" + DemoScalingPlan.PLAN_ID, admin);
            assertThat(plan.status()).as(plan.body()).isEqualTo(200);
            assertThat(plan.json().getJsonArray("hostPools").getList()).containsExactly(DemoFleet.POOL_ID);
            await("the demo pool's scaling status").atMost(SCALER_WAIT).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        JsonObject status = scaling(inventory, admin);
                        assertThat(status.getString("planId")).isEqualTo(DemoScalingPlan.PLAN_ID);
                        assertThat(status.getString("phase")).isEqualTo("RAMP_DOWN");
                        assertThat(status.getJsonObject("capacity").getInteger("managedHosts")).isEqualTo(2);
                    });
        }
    }

    private static JsonArray hosts(ApiClient inventory, String admin) {
        ApiClient.Answer answer = inventory.get("/api/v1/hostpools/" + DemoFleet.POOL_ID + "/hosts", admin);
        assertThat(answer.status()).isEqualTo(200);
        return answer.array();
    }

    private static List<String> healths(ApiClient inventory, String admin) {
        return hosts(inventory, admin).stream().map(h -> ((JsonObject) h).getString("health")).toList();
    }

    private static List<String> hostsIn(ApiClient inventory, String admin, String health) {
        return hosts(inventory, admin).stream().map(JsonObject.class::cast)
                .filter(h -> health.equals(h.getString("health"))).map(h -> h.getString("hostId")).toList();
    }

    private static JsonObject scaling(ApiClient inventory, String admin) {
        ApiClient.Answer answer = inventory.get("/api/v1/hostpools/" + DemoFleet.POOL_ID + "/scaling", admin);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** The hosts the scaler's recorded actions of this kind were for (a command sent twice counts once). */
    private static Set<String> hostsActedOn(JsonObject status, String action) {
        Stream<Object> all = status.getJsonArray("actions", new JsonArray()).stream();
        return all.map(JsonObject.class::cast).filter(a -> action.equals(a.getString("action")))
                .map(a -> a.getString("hostId")).collect(Collectors.toSet());
    }

    private static JsonObject connect(LocalStack stack, String userId) {
        ApiClient broker = new ApiClient(stack.port(ServiceName.BROKER));
        String gateway = stack.gatewayToken();
        JsonObject body = new JsonObject().put("userId", userId).put("appGroupId", DemoFleet.APP_GROUP_ID)
                .put("groups", new JsonArray().add(DemoFleet.USER_GROUP));
        JsonObject[] placed = new JsonObject[1];
        await("connect " + userId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ApiClient.Answer answer = broker.post("/api/v1/connect", gateway, body);
            placed[0] = answer.status() == 200 ? answer.json() : null;
            return placed[0] != null;
        });
        return placed[0];
    }
}
