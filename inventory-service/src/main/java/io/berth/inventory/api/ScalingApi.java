package io.berth.inventory.api;

import io.berth.common.events.EventCodec;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.http.RequestBody;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.berth.inventory.domain.ScalingSimulationRun;
import io.berth.inventory.domain.ScalingStatus;
import io.berth.inventory.domain.scaling.DemandPoint;
import io.berth.inventory.domain.scaling.SimulatedStep;
import io.berth.inventory.domain.scaling.SimulationRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.berth.inventory.api.InventoryApi.answer;
import static io.berth.inventory.api.InventoryApi.now;

/**
 * The scaling plans' routes (DESIGN.md 7.3), mounted by {@link InventoryApi}: plan CRUD through the writer like
 * every inventory change, a pool's scaling status, and the dry run, which runs on a worker thread.
 */
final class ScalingApi {

    /** The body of {@code POST /scalingplans/{planId}/simulate}. */
    record SimulationBody(String poolId, Instant from, Instant to, int stepMinutes, List<DemandPoint> demand) {
    }

    /** One step of a dry run as answered: its actions in the status's shape. */
    record StepView(Instant at, ScalingPhase phase, LoadBalancer loadBalancer, int onHosts, int availableHosts,
                    int liveSessions, int rejectedSessions, int usedPct, List<ScalingStatus.ActionView> actions) {
        static StepView of(SimulatedStep step) {
            return new StepView(step.at(), step.phase(), step.loadBalancer(), step.onHosts(), step.availableHosts(),
                    step.liveSessions(), step.rejectedSessions(), step.usedPct(),
                    step.actions().stream().map(ScalingStatus.ActionView::of).toList());
        }
    }

    private final Inventory inventory;
    private final InventoryWrites writes;
    private final Clock clock;

    ScalingApi(Inventory inventory, InventoryWrites writes, Clock clock) {
        this.inventory = inventory;
        this.writes = writes;
        this.clock = clock;
    }

    void mount(Router router, Handler<RoutingContext> admin) {
        router.get("/api/v1/scalingplans").handler(admin).handler(ctx -> answer(ctx, 200,
                () -> now(InventoryOutcome.answer(inventory.scalingPlans().plans().stream().map(ScalingApi::view)
                        .toList()))));
        router.get("/api/v1/scalingplans/:planId").handler(admin).handler(ctx -> answer(ctx, 200,
                () -> now(inventory.scalingPlans().plan(ctx.pathParam("planId")).map(ScalingApi::view))));
        router.put("/api/v1/scalingplans/:planId").handler(admin).handler(ctx -> answer(ctx, 200, () -> {
            ScalingPlanConfig plan = planOf(ctx.pathParam("planId"), RequestBody.read(ctx, ScalingPlanConfig.class));
            return writes.exclusive(() -> inventory.scalingPlans().put(plan)).map(outcome -> outcome.map(ScalingApi::view));
        }));
        router.delete("/api/v1/scalingplans/:planId").handler(admin).handler(ctx -> answer(ctx, 204,
                () -> writes.exclusive(() -> inventory.scalingPlans().delete(ctx.pathParam("planId")))));
        router.post("/api/v1/scalingplans/:planId/simulate").handler(admin).handler(this::simulate);
        router.get("/api/v1/hostpools/:poolId/scaling").handler(admin).handler(ctx -> answer(ctx, 200,
                () -> now(inventory.scalingRound().status(ctx.pathParam("poolId"), clock.instant()))));
    }

    private void simulate(RoutingContext ctx) {
        answer(ctx, 200, () -> {
            SimulationBody body = RequestBody.read(ctx, SimulationBody.class);
            SimulationRequest request = new SimulationRequest(body.poolId(), body.from(), body.to(), body.stepMinutes(),
                    body.demand() == null ? List.of() : body.demand());
            InventoryOutcome<ScalingSimulationRun> accepted = inventory.scalingRound()
                    .simulation(ctx.pathParam("planId"), request);
            if (!(accepted instanceof Decision<ScalingSimulationRun> run)) {
                return Future.succeededFuture(accepted.map(none -> (Object) null));
            }
            // Hundreds of milliseconds for a week at 5-minute steps over a large pool: not on the event loop.
            return ctx.vertx().executeBlocking(() -> run.answer().run(), false)
                    .map(steps -> InventoryOutcome.<Object>answer(Map.of("steps",
                            steps.stream().map(StepView::of).toList())));
        });
    }

    /** The plan of a PUT: its id is the path's (the body may repeat it). */
    private static ScalingPlanConfig planOf(String planId, ScalingPlanConfig body) {
        RequestBodies.requireSameId("planId", body.planId(), planId);
        return new ScalingPlanConfig(ScalingPlanConfig.CURRENT_VERSION, planId, body.timeZone(), body.hostPools(),
                body.exclusionTag(), body.schedules());
    }

    /** A plan as answered: the stored record without its schema version, so that it can be PUT back as it is. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> view(ScalingPlanConfig plan) {
        Map<String, Object> json = EventCodec.mapper().convertValue(plan, LinkedHashMap.class);
        json.remove("v");
        return json;
    }
}
