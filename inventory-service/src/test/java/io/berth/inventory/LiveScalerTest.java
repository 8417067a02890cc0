package io.berth.inventory;

import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.testing.MutableClock;
import io.berth.inventory.api.InventoryWrites;
import io.berth.inventory.domain.Change;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.berth.inventory.domain.ScalingFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live scaler's round without Kafka: it acts only on the writer, through the writer's commits, and a pool
 * whose evaluation fails is counted and skipped while the other pools are still scaled.
 */
class LiveScalerTest {

    private final Inventory inventory = new Inventory();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Change> committed = new ArrayList<>();
    private boolean writer = true;

    /** Commits as the writer does once Kafka took the changes: applies them. */
    private final InventoryWrites writes = new InventoryWrites() {
        @Override
        public <T> Future<InventoryOutcome<T>> exclusive(Supplier<InventoryOutcome<T>> decide) {
            InventoryOutcome<T> outcome = decide.get();
            if (outcome instanceof Decision<T> decision) {
                inventory.apply(decision.changes());
                committed.addAll(decision.changes());
            }
            return Future.succeededFuture(outcome);
        }

        @Override
        public <T> Future<InventoryOutcome<T>> perHost(String hostId, Supplier<InventoryOutcome<T>> decide) {
            return exclusive(decide);
        }
    };

    private final LiveScaler scaler = new LiveScaler(null, inventory, writes, () -> writer,
            new ScalingMetrics(registry), new MutableClock(ScalingFixtures.RAMP_DOWN));

    private void poolWithThreeEmptyHosts(String poolId) {
        inventory.apply(new Change.PoolSaved(ScalingFixtures.pooled(poolId, 4)));
        for (int i = 1; i <= 3; i++) {
            String hostId = poolId + "-vm-" + i;
            inventory.apply(new Change.HostRegistered(new HostRegistration(1, hostId, poolId,
                    ScalingFixtures.RAMP_DOWN.minusSeconds(3_600), "token")));
            inventory.apply(new Change.HealthSaved(new HostHealthEvent(1, hostId, poolId, Health.AVAILABLE, true, null,
                    List.of(), ScalingFixtures.RAMP_DOWN, List.of())));
        }
    }

    private double actions(String poolId, String action) {
        return registry.get("berth_scaling_actions_total").tag("pool", poolId).tag("action", action).counter().count();
    }

    @Test
    void aFailingPoolIsCountedAndSkippedWhileTheOthersAreScaled() {
        // given a healthy plan, and a plan whose stored time zone this JVM does not know
        poolWithThreeEmptyHosts("good");
        poolWithThreeEmptyHosts("broken");
        inventory.apply(new Change.ScalingPlanChanged("good-plan", ScalingFixtures.plan("good-plan", StopHostsWhen.ZERO_SESSIONS,
                "good")));
        ScalingPlanConfig valid = ScalingFixtures.plan("broken-plan", StopHostsWhen.ZERO_SESSIONS, "broken");
        inventory.apply(new Change.ScalingPlanChanged(valid.planId(), new ScalingPlanConfig(1, valid.planId(), "Atlantis/Capital",
                valid.hostPools(), valid.exclusionTag(), valid.schedules())));

        // when two rounds run
        scaler.evaluateAll();
        scaler.evaluateAll();

        // then the good pool was scaled and the broken one counted twice, changing nothing
        assertThat(actions("good", "STOP")).isEqualTo(2.0);
        assertThat(registry.get("berth_scaling_evaluation_failures_total").tag("pool", "broken").counter().count())
                .isEqualTo(2.0);
        assertThat(committed).filteredOn(Change.HostCommandSent.class::isInstance)
                .allSatisfy(change -> assertThat(((Change.HostCommandSent) change).command().hostId())
                        .startsWith("good-"));
        assertThat(registry.get("berth_scaling_phase").tag("pool", "good").tag("phase", "RAMP_DOWN").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void offTheWriterTheScalerOnlyObserves() {
        // given
        poolWithThreeEmptyHosts("pool-1");
        inventory.apply(new Change.ScalingPlanChanged("plan", ScalingFixtures.plan("plan", StopHostsWhen.ZERO_SESSIONS,
                "pool-1")));
        writer = false;

        // when
        scaler.evaluateAll();

        // then nothing was committed, yet the gauges know the phase and the hosts
        assertThat(committed).isEmpty();
        assertThat(actions("pool-1", "DRAIN")).isZero();
        assertThat(registry.get("berth_scaling_phase").tag("pool", "pool-1").tag("phase", "RAMP_DOWN").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get("berth_scaling_hosts").tag("pool", "pool-1").tag("state", "managed").gauge().value())
                .isEqualTo(3.0);
    }
}
