package io.berth.inventory.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.events.Event;
import io.berth.inventory.domain.InventoryOutcome.Refusal;
import io.berth.inventory.domain.scaling.DrainPurpose;
import io.berth.inventory.domain.scaling.ScalerMemory;
import io.berth.inventory.domain.scaling.ScalingActionKind;
import io.berth.inventory.domain.scaling.ScalingDecision;
import io.berth.inventory.kafka.TopicRecords;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.inventory.domain.ScalingFixtures.RAMP_DOWN;
import static io.berth.inventory.domain.ScalingFixtures.plan;
import static io.berth.inventory.domain.ScalingFixtures.pooled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling plans in the inventory: the plan decisions of 7.3's PUT and DELETE, what a pool that leaves its plan
 * loses, and how one evaluation of the scaler becomes changes (commands, drains, the phase record, the memory)
 * that replay to the same state.
 */
class ScalingPlansTest {

    private final Inventory inventory = new Inventory();
    private final AtomicInteger commandIds = new AtomicInteger();

    private <T> T commit(InventoryOutcome<T> outcome) {
        assertThat(outcome).as("an accepted decision").isInstanceOf(Decision.class);
        Decision<T> decision = (Decision<T>) outcome;
        inventory.apply(decision.changes());
        return decision.answer();
    }

    /** A registered host heartbeating in {@code health}, as its published snapshot has it. */
    private void host(String poolId, String hostId, Health health, List<String> tags) {
        inventory.apply(new Change.HostRegistered(new HostRegistration(1, hostId, poolId, RAMP_DOWN.minusSeconds(86_400),
                "token-" + hostId)));
        inventory.apply(new Change.HealthSaved(new HostHealthEvent(1, hostId, poolId, health, true, null, List.of(),
                RAMP_DOWN.minusSeconds(10), List.of(), tags, null)));
    }

    private void session(String sessionId, String poolId, String hostId, SessionState state) {
        inventory.onSession(new SessionEvent(1, sessionId, "user-" + sessionId, poolId, hostId, state, RAMP_DOWN,
                RAMP_DOWN, null));
    }

    private Decision<ScalingDecision> evaluate(String poolId, Instant now) {
        return inventory.scalingRound().evaluate(poolId, now, () -> "command-" + commandIds.incrementAndGet())
                .orElseThrow();
    }

    private static List<HostCommandEvent> commands(List<Change> changes) {
        return changes.stream().filter(Change.HostCommandSent.class::isInstance)
                .map(change -> ((Change.HostCommandSent) change).command()).toList();
    }

    @Test
    void aPlanIsStoredListedAndAPoolIsInAtMostOnePlan() {
        // given
        commit(inventory.putPool(pooled("pool-1", 4)));
        commit(inventory.putPool(pooled("pool-2", 4)));

        // when
        Decision<ScalingPlanConfig> created = (Decision<ScalingPlanConfig>) inventory.scalingPlans()
                .put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1"));
        inventory.apply(created.changes());

        // then
        assertThat(created.changes()).containsExactly(new Change.ScalingPlanChanged("plan-a", plan("plan-a",
                StopHostsWhen.ZERO_SESSIONS, "pool-1")));
        assertThat(inventory.scalingPlans().plans()).extracting(ScalingPlanConfig::planId).containsExactly("plan-a");
        assertThat(inventory.scalingPlans().planOf("pool-1")).map(ScalingPlanConfig::planId).contains("plan-a");
        assertThat(((Decision<?>) inventory.scalingPlans().put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1")))
                .changes()).as("an identical PUT changes nothing").isEmpty();
        assertThat(inventory.scalingPlans().put(plan("plan-b", StopHostsWhen.ZERO_SESSIONS, "pool-2", "pool-1")))
                .extracting("refusal").isEqualTo(Refusal.CONFLICT);
        assertThat(inventory.scalingPlans().put(plan("plan-b", StopHostsWhen.ZERO_SESSIONS, "ghost")))
                .extracting("refusal").isEqualTo(Refusal.INVALID);
        assertThat(inventory.scalingPlans().plan("ghost")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.scalingPlans().delete("ghost")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
    }

    @Test
    void aPoolInAPlanIsNeitherDeletedNorTurnedPersonal() {
        // given
        commit(inventory.putPool(pooled("pool-1", 4)));
        commit(inventory.scalingPlans().put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1")));

        // then
        assertThat(inventory.deletePool("pool-1")).extracting("refusal").isEqualTo(Refusal.CONFLICT);
        HostPoolConfig personal = new HostPoolConfig(1, "pool-1", PoolType.PERSONAL, LoadBalancer.BREADTH_FIRST, 1,
                PersonalAssignment.AUTOMATIC, false, 30, 60);
        assertThat(inventory.putPool(personal)).extracting("refusal").isEqualTo(Refusal.CONFLICT);

        // and once the plan is deleted, the pool is
        commit(inventory.scalingPlans().delete("plan-a"));
        commit(inventory.deletePool("pool-1"));
        assertThat(inventory.pool("pool-1")).isEmpty();
    }

    @Test
    void inRampDownTheScalerDrainsAndStopsOneEmptyHostAndPublishesItsPhaseAndMemory() {
        // given three empty available hosts, one excluded, and a busy one
        commit(inventory.putPool(pooled("pool-1", 4)));
        commit(inventory.scalingPlans().put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1")));
        host("pool-1", "vm-1", Health.AVAILABLE, List.of());
        host("pool-1", "vm-2", Health.AVAILABLE, List.of());
        host("pool-1", "vm-3", Health.AVAILABLE, List.of());
        host("pool-1", "vm-x", Health.AVAILABLE, List.of("no-autoscale"));
        host("pool-1", "vm-busy", Health.AVAILABLE, List.of());
        session("s-1", "pool-1", "vm-busy", SessionState.ACTIVE);

        // when
        Decision<ScalingDecision> round = evaluate("pool-1", RAMP_DOWN);

        // then one empty managed host is drained and stopped, and nothing else is touched
        ScalingDecision decision = round.answer();
        assertThat(decision.phase()).isEqualTo(ScalingPhase.RAMP_DOWN);
        assertThat(decision.loadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(decision.capacity().managedHosts()).isEqualTo(4);
        assertThat(decision.capacity().excludedHosts()).isEqualTo(1);
        assertThat(decision.actions()).extracting(a -> a.action()).containsExactly(ScalingActionKind.DRAIN,
                ScalingActionKind.STOP);
        String stopped = decision.actions().get(0).hostId();
        assertThat(decision.actions()).allSatisfy(action -> assertThat(action.hostId()).isEqualTo(stopped));
        assertThat(stopped).isIn("vm-1", "vm-2", "vm-3");
        assertThat(commands(round.changes())).singleElement().satisfies(command -> {
            assertThat(command.command()).isEqualTo(HostCommandType.STOP);
            assertThat(command.hostId()).isEqualTo(stopped);
            assertThat(command.commandId()).isEqualTo("command-1");
            assertThat(command.reason()).isNotBlank();
            assertThat(command.at()).isEqualTo(RAMP_DOWN);
        });
        assertThat(round.changes()).filteredOn(Change.HealthSaved.class::isInstance).singleElement()
                .satisfies(change -> {
                    HostHealthEvent drained = ((Change.HealthSaved) change).snapshot();
                    assertThat(drained.hostId()).isEqualTo(stopped);
                    assertThat(drained.allowNewSessions()).isFalse();
                });
        assertThat(round.changes()).filteredOn(Change.PoolScalingChanged.class::isInstance).singleElement()
                .satisfies(change -> assertThat(((Change.PoolScalingChanged) change).scaling())
                        .extracting("poolId", "planId", "phase", "loadBalancer")
                        .containsExactly("pool-1", "plan-a", ScalingPhase.RAMP_DOWN, LoadBalancer.DEPTH_FIRST));
        assertThat(round.changes()).contains(new Change.ScalerMemoryChanged("pool-1", decision.memory()));

        // and once applied, the host is drained, the status lists the actions, and the phase is not republished
        inventory.apply(round.changes());
        assertThat(inventory.host(stopped).orElseThrow().allowNewSessions()).isFalse();
        assertThat(inventory.scalingPlans().memoryOf("pool-1").drained()).containsEntry(stopped, DrainPurpose.STOP);
        ScalingStatus status = ((Decision<ScalingStatus>) inventory.scalingRound().status("pool-1", RAMP_DOWN))
                .answer();
        assertThat(status.planId()).isEqualTo("plan-a");
        assertThat(status.schedule()).isEqualTo("daily");
        assertThat(status.actions()).extracting(ScalingStatus.ActionView::action)
                .containsExactly(ScalingActionKind.STOP, ScalingActionKind.DRAIN);
        assertThat(evaluate("pool-1", RAMP_DOWN.plusSeconds(30)).changes())
                .noneMatch(Change.PoolScalingChanged.class::isInstance);
    }

    @Test
    void aDisconnectedSessionGetsALogoffThatEndsWithScalingLogoff() {
        // given ZERO_ACTIVE_SESSIONS, and hosts whose only sessions are disconnected
        commit(inventory.putPool(pooled("pool-1", 4)));
        commit(inventory.scalingPlans().put(plan("plan-a", StopHostsWhen.ZERO_ACTIVE_SESSIONS, "pool-1")));
        for (String hostId : List.of("vm-1", "vm-2", "vm-3")) {
            host("pool-1", hostId, Health.AVAILABLE, List.of());
            session("s-" + hostId, "pool-1", hostId, SessionState.DISCONNECTED);
        }

        // when
        Decision<ScalingDecision> round = evaluate("pool-1", RAMP_DOWN);

        // then the host to stop is drained and its disconnected session logged off, not stopped yet
        assertThat(commands(round.changes())).filteredOn(c -> c.command() == HostCommandType.LOGOFF).singleElement()
                .satisfies(logoff -> {
                    assertThat(logoff.reason()).isEqualTo(EndReason.SCALING_LOGOFF.name());
                    assertThat(logoff.sessionId()).isEqualTo("s-" + logoff.hostId());
                });
        assertThat(commands(round.changes())).noneMatch(c -> c.command() == HostCommandType.STOP);
    }

    @Test
    void aPoolThatLeavesItsPlanLosesItsPhaseAndMemoryAndItsScalerDrainsAreUndone() {
        // given a pool whose scaler drained a host, and a host an admin drained
        commit(inventory.putPool(pooled("pool-1", 4)));
        commit(inventory.putPool(pooled("pool-2", 4)));
        commit(inventory.scalingPlans().put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1", "pool-2")));
        for (String hostId : List.of("vm-1", "vm-2", "vm-3")) {
            host("pool-1", hostId, Health.AVAILABLE, List.of());
        }
        host("pool-1", "vm-admin", Health.AVAILABLE, List.of());
        session("s-1", "pool-1", "vm-admin", SessionState.ACTIVE);
        commit(inventory.patchHost("vm-admin", new HostPatch(false, false, null)));
        inventory.apply(evaluate("pool-1", RAMP_DOWN).changes());
        String drained = inventory.scalingPlans().memoryOf("pool-1").drained().keySet().iterator().next();

        // when the plan drops the pool
        Decision<ScalingPlanConfig> put = (Decision<ScalingPlanConfig>) inventory.scalingPlans()
                .put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-2"));

        // then its phase record and memory are tombstoned and only the scaler's drain is undone
        assertThat(put.changes()).contains(new Change.PoolScalingChanged("pool-1", null),
                new Change.ScalerMemoryChanged("pool-1", null));
        assertThat(put.changes()).filteredOn(Change.HealthSaved.class::isInstance).extracting(
                change -> ((Change.HealthSaved) change).snapshot()).singleElement().satisfies(snapshot -> {
                    assertThat(snapshot.hostId()).isEqualTo(drained);
                    assertThat(snapshot.allowNewSessions()).isTrue();
                });
        inventory.apply(put.changes());
        assertThat(inventory.scalingPlans().scalingOf("pool-1")).isEmpty();
        assertThat(inventory.scalingPlans().memoryOf("pool-1")).isEqualTo(ScalerMemory.empty());
        assertThat(inventory.scalingRound().status("pool-1", RAMP_DOWN)).extracting("refusal")
                .isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.host("vm-admin").orElseThrow().allowNewSessions()).isFalse();
    }

    @Test
    void everyScalingChangeReadsBackFromItsTopicAsItself() throws Exception {
        // given the changes of a plan and of one evaluation
        commit(inventory.putPool(pooled("pool-1", 4)));
        Decision<ScalingPlanConfig> put = (Decision<ScalingPlanConfig>) inventory.scalingPlans()
                .put(plan("plan-a", StopHostsWhen.ZERO_SESSIONS, "pool-1"));
        inventory.apply(put.changes());
        for (String hostId : List.of("vm-1", "vm-2", "vm-3")) {
            host("pool-1", hostId, Health.AVAILABLE, List.of());
        }
        List<Change> changes = new java.util.ArrayList<>(put.changes());
        changes.addAll(evaluate("pool-1", RAMP_DOWN).changes());
        changes.addAll(List.of(new Change.ScalingPlanChanged("plan-a", null), new Change.PoolScalingChanged("pool-1", null),
                new Change.ScalerMemoryChanged("pool-1", null)));

        // then each config record decodes to the change that wrote it
        for (Change change : changes) {
            if (change instanceof Change.Published published && published.stream() == Change.Stream.CONFIG) {
                Object value = published.value();
                byte[] bytes = value == null ? null : value instanceof ScalerMemory memory
                        ? TopicRecords.encodeInternal(memory) : EventCodec.encode((Event) value);
                assertThat(TopicRecords.fromConfig(published.key(), bytes)).as(published.key()).contains(change);
            }
        }
        assertThat(changes).anyMatch(Change.ScalerMemoryChanged.class::isInstance)
                .anyMatch(Change.HostCommandSent.class::isInstance);
    }
}
