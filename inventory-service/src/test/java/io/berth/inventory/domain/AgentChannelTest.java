package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostLoad;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.inventory.kafka.TopicRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inventory's side of DESIGN.md 7.2 and 7.4: heartbeat answers carrying the agent's commands, host tags,
 * the heartbeat's load on the snapshot (published when it crosses a pool threshold), and the pool's new fields.
 */
class AgentChannelTest {

    private static final Instant T0 = Instant.parse("2026-01-01T08:00:00Z");
    private static final HostLoad CALM = new HostLoad(20, 30);
    private static final HostLoad BUSY = new HostLoad(95, 30);

    private final Inventory inventory = new Inventory();

    private static HostPoolConfig pool(LoadThresholds thresholds) {
        return new HostPoolConfig(1, "pool-a", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, 30, 60, 2, thresholds, 60, 480, 10);
    }

    private <T> T commit(InventoryOutcome<T> outcome) {
        Decision<T> decision = decided(outcome);
        inventory.apply(decision.changes());
        return decision.answer();
    }

    private static <T> Decision<T> decided(InventoryOutcome<T> outcome) {
        assertThat(outcome).as("an accepted decision").isInstanceOf(Decision.class);
        return (Decision<T>) outcome;
    }

    private Decision<HeartbeatAnswer> heartbeat(HostLoad load, Instant now, String... acked) {
        return decided(inventory.agentHeartbeat("vm-1", "jti-1",
                new Heartbeat("vm-1", AgentStatus.AVAILABLE, List.of(), List.of(), List.of(acked), load), now));
    }

    private static List<HostHealthEvent> snapshots(List<Change> changes) {
        return changes.stream().filter(Change.HealthSaved.class::isInstance)
                .map(change -> ((Change.HealthSaved) change).snapshot()).toList();
    }

    @BeforeEach
    void aPoolWithARegisteredHost() {
        commit(inventory.putPool(pool(new LoadThresholds(80, null))));
        String token = new RegistrationTokens().newToken();
        commit(inventory.createRegistrationToken("pool-a", token, 3_600, T0));
        commit(inventory.register(new AgentRegistration(token, "vm-1"), "jti-1", T0));
    }

    @Test
    void theHeartbeatAnswerCarriesTheHostsCommandsUntilAcknowledged() {
        // given
        inventory.onHostCommand(new HostCommandEvent(1, "c1", "vm-1", HostCommandType.LOGOFF, "s1", null, "LOGOFF",
                T0), T0);

        // when
        HeartbeatAnswer first = commit(heartbeat(null, T0.plusSeconds(1)));
        HeartbeatAnswer second = commit(heartbeat(null, T0.plusSeconds(31)));
        Decision<HeartbeatAnswer> acking = heartbeat(null, T0.plusSeconds(61), "c1");
        commit(acking);
        HeartbeatAnswer after = commit(heartbeat(null, T0.plusSeconds(91)));

        // then
        assertThat(first.nextHeartbeatSeconds()).isEqualTo(30);
        assertThat(first.commands()).containsExactly(new AgentCommand("c1", HostCommandType.LOGOFF, "s1", null, T0));
        assertThat(second.commands()).extracting(AgentCommand::commandId).containsExactly("c1");
        assertThat(acking.answer().commands()).isEmpty();
        assertThat(acking.changes()).filteredOn(Change.CommandsAcknowledged.class::isInstance).singleElement()
                .extracting(change -> ((Change.Published) change).key()).isEqualTo("hostcommands/vm-1");
        assertThat(after.commands()).isEmpty();
    }

    @Test
    void acknowledgementsAreReadBackFromTheTopicAsTheyWerePublished() throws Exception {
        // given
        inventory.onHostCommand(new HostCommandEvent(1, "c1", "vm-1", HostCommandType.MESSAGE, "s1", "Hi", null, T0), T0);
        Change.CommandsAcknowledged acked = (Change.CommandsAcknowledged) heartbeat(null, T0, "c1").changes().stream()
                .filter(Change.CommandsAcknowledged.class::isInstance).findFirst().orElseThrow();

        // when
        Change replayed = TopicRecords.fromConfig(acked.key(), TopicRecords.encodeInternal(acked.acks())).orElseThrow();

        // then
        assertThat(replayed).isEqualTo(acked);
        assertThat(TopicRecords.fromConfig("hostcommands/vm-1", null)).contains(new Change.CommandAcksRemoved("vm-1"));
    }

    @Test
    void removingAHostRemovesItsAcknowledgements() {
        inventory.onHostCommand(new HostCommandEvent(1, "c1", "vm-1", HostCommandType.LOGOFF, "s1", null, "LOGOFF",
                T0), T0);
        commit(heartbeat(null, T0, "c1"));

        assertThat(decided(inventory.removeHost("vm-1")).changes()).contains(new Change.CommandAcksRemoved("vm-1"));
    }

    @Test
    void tagsAreSetListedPublishedAndKeptByHeartbeatsAndDrains() {
        // when
        HostView patched = commit(inventory.patchHost("vm-1", new HostPatch(null, false, null,
                List.of("no-autoscale", "gpu"))));
        Decision<HeartbeatAnswer> beat = heartbeat(CALM, T0.plusSeconds(1));
        commit(beat);
        commit(inventory.patchHost("vm-1", new HostPatch(false, false, null)));

        // then
        assertThat(patched.tags()).containsExactly("no-autoscale", "gpu");
        assertThat(snapshots(beat.changes())).singleElement().extracting(HostHealthEvent::tags)
                .isEqualTo(List.of("no-autoscale", "gpu"));
        assertThat(inventory.host("vm-1").orElseThrow().tags()).containsExactly("no-autoscale", "gpu");
        assertThat(decided(inventory.patchHost("vm-1", new HostPatch(null, false, null, List.of()))).answer().tags())
                .as("an empty list clears them").isEmpty();
    }

    @Test
    void aHostWithoutTagsListsNone() {
        assertThat(inventory.host("vm-1").orElseThrow().tags()).isEmpty();
        assertThat(inventory.host("vm-1").orElseThrow().load()).isNull();
    }

    @Test
    void loadIsPublishedWhenItCrossesAThresholdAndOtherwiseOnlyOnceAnIntervalOld() {
        // given: the first heartbeat publishes (a change of health)
        Decision<HeartbeatAnswer> first = heartbeat(CALM, T0);
        commit(first);

        // when / then
        assertThat(snapshots(first.changes())).singleElement().extracting(HostHealthEvent::load).isEqualTo(CALM);
        assertThat(snapshots(heartbeat(new HostLoad(50, 90), T0.plusSeconds(5)).changes()))
                .as("a move below the thresholds is not worth a snapshot").isEmpty();
        Decision<HeartbeatAnswer> busy = heartbeat(BUSY, T0.plusSeconds(10));
        assertThat(snapshots(busy.changes())).as("crossing 80 % CPU").singleElement()
                .extracting(HostHealthEvent::load).isEqualTo(BUSY);
        commit(busy);
        assertThat(inventory.host("vm-1").orElseThrow().load()).isEqualTo(BUSY);
        assertThat(snapshots(heartbeat(new HostLoad(99, 99), T0.plusSeconds(15)).changes())).as("still over").isEmpty();
        assertThat(snapshots(heartbeat(null, T0.plusSeconds(20)).changes())).as("no load clears it: under again")
                .singleElement().extracting(HostHealthEvent::load).isNull();
        assertThat(snapshots(heartbeat(new HostLoad(97, 1), T0.plusSeconds(40)).changes()))
                .as("the published one is an interval old").singleElement()
                .extracting(HostHealthEvent::load).isEqualTo(new HostLoad(97, 1));
    }

    @Test
    void withoutThresholdsLoadIsPublishedOnlyWithTheIntervalsSnapshot() {
        commit(inventory.putPool(pool(null)));
        commit(heartbeat(CALM, T0));

        assertThat(snapshots(heartbeat(BUSY, T0.plusSeconds(10)).changes())).isEmpty();
        assertThat(snapshots(heartbeat(BUSY, T0.plusSeconds(30)).changes())).singleElement()
                .extracting(HostHealthEvent::load).isEqualTo(BUSY);
    }

    @Test
    void hostsOverALoadThresholdAreCountedPerPool() {
        commit(heartbeat(BUSY, T0));

        assertThat(inventory.capacityByPool().get("pool-a").overLoadThreshold()).isEqualTo(1);
        commit(heartbeat(CALM, T0.plusSeconds(1)));
        assertThat(inventory.capacityByPool().get("pool-a").overLoadThreshold()).isZero();
    }

    @Test
    void aShutDownHostIsNotCountedOverItsThresholdAndStaysShutDownWhileSilent() {
        inventory.startMonitoring(T0);
        commit(heartbeat(BUSY, T0));
        commit(decided(inventory.agentHeartbeat("vm-1", "jti-1",
                new Heartbeat("vm-1", AgentStatus.SHUTDOWN, List.of(), List.of(), List.of(), BUSY), T0.plusSeconds(1))));

        assertThat(inventory.capacityByPool().get("pool-a").overLoadThreshold()).isZero();
        assertThat(snapshots(inventory.onClock(T0.plusSeconds(86_400)))).as("a day of silence").isEmpty();
        assertThat(inventory.host("vm-1").orElseThrow().health()).hasToString("SHUTDOWN");
    }

    @Test
    void thePoolAnswersItsLogonCapLoadThresholdsAndSessionLimits() {
        PoolView view = decided(inventory.poolView("pool-a")).answer();

        assertThat(view.maxConcurrentLogonsPerHost()).isEqualTo(2);
        assertThat(view.loadThresholds()).isEqualTo(new LoadThresholds(80, null));
        assertThat(view.disconnectedTimeoutMinutes()).isEqualTo(60);
        assertThat(view.maxSessionMinutes()).isEqualTo(480);
        assertThat(view.limitWarningMinutes()).isEqualTo(10);
        assertThat(decided(inventory.putPool(pool(new LoadThresholds(80, 90)))).changes()).as("a new threshold")
                .hasSize(1);
    }
}
