package io.berth.inventory;

import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.api.InventoryWrites;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.berth.inventory.domain.scaling.ScalingDecision;
import io.berth.inventory.domain.scaling.ScalingPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The live scaler (DESIGN.md 7.3): every interval, for each pool of each plan, decides with
 * {@link ScalingPolicy#decide} against the inventory as it is and — on the writer only — publishes the decision's
 * commands, drains, phase record and memory in one transaction of the writer's fenced producer, applied once
 * committed like every inventory change. A stale writer therefore cannot act: its transaction is refused. Every
 * instance keeps the scaling gauges current. A pool whose evaluation fails is skipped (logged once, counted) and
 * tried again at the next interval.
 */
final class LiveScaler {

    private static final Logger LOG = LoggerFactory.getLogger(LiveScaler.class);

    private final Vertx vertx;
    private final Inventory inventory;
    private final InventoryWrites writes;
    private final BooleanSupplier isWriter;
    private final ScalingMetrics metrics;
    private final Clock clock;
    private final Set<String> failing = new HashSet<>();
    private long timer = -1;
    private boolean evaluating;

    LiveScaler(Vertx vertx, Inventory inventory, InventoryWrites writes, BooleanSupplier isWriter,
               ScalingMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.inventory = inventory;
        this.writes = writes;
        this.isWriter = isWriter;
        this.metrics = metrics;
        this.clock = clock;
    }

    void start(Duration interval) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> evaluateAll());
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round over every pool of every plan, one pool after the other; a round still running is not doubled. */
    Future<Void> evaluateAll() {
        if (evaluating) {
            return Future.succeededFuture();
        }
        evaluating = true;
        Set<String> pools = new TreeSet<>();
        inventory.scalingPlans().plans().stream().map(ScalingPlanConfig::hostPools).forEach(pools::addAll);
        metrics.syncPools(pools);
        Future<Void> round = Future.succeededFuture();
        for (String poolId : List.copyOf(pools)) {
            round = round.compose(v -> evaluate(poolId).otherwiseEmpty());
        }
        return round.onComplete(done -> evaluating = false);
    }

    private Future<Void> evaluate(String poolId) {
        Future<?> evaluation;
        try {
            evaluation = isWriter.getAsBoolean() ? act(poolId) : observe(poolId);
        } catch (RuntimeException e) {
            evaluation = Future.failedFuture(e);
        }
        return evaluation.<Void>mapEmpty().onSuccess(v -> {
            if (failing.remove(poolId)) {
                LOG.info("The scaling evaluation of pool '{}' works again", poolId);
            }
        }).onFailure(e -> {
            metrics.failed(poolId);
            if (failing.add(poolId)) {
                LOG.warn("The scaling evaluation of pool '{}' failed; skipped until it works again", poolId, e);
            }
        });
    }

    /** Decides and publishes, with no other inventory change in flight, so the decision sees the state it changes. */
    private Future<InventoryOutcome<ScalingDecision>> act(String poolId) {
        return writes.exclusive(() -> inventory.scalingRound()
                .evaluate(poolId, clock.instant(), () -> UUID.randomUUID().toString())
                .<InventoryOutcome<ScalingDecision>>map(decision -> decision)
                .orElseGet(() -> InventoryOutcome.notFound("pool '" + poolId + "' left its plan")))
                .onSuccess(outcome -> {
                    if (outcome instanceof Decision<ScalingDecision> decision) {
                        metrics.observed(poolId, decision.answer());
                        metrics.published(poolId, decision.answer().actions());
                    }
                });
    }

    /** Off the writer: the same decision, for the gauges only; nothing is published. */
    private Future<Void> observe(String poolId) {
        inventory.scalingRound().input(poolId, clock.instant()).map(ScalingPolicy::decide)
                .ifPresent(decision -> metrics.observed(poolId, decision));
        return Future.succeededFuture();
    }
}
