package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.berth.common.events.SessionState.ACTIVE;
import static io.berth.common.events.SessionState.DISCONNECTED;
import static io.berth.common.events.SessionState.PENDING;
import static io.berth.inventory.domain.scaling.ScalingActionKind.DRAIN;
import static io.berth.inventory.domain.scaling.ScalingActionKind.LOGOFF;
import static io.berth.inventory.domain.scaling.ScalingActionKind.MESSAGE;
import static io.berth.inventory.domain.scaling.ScalingActionKind.START;
import static io.berth.inventory.domain.scaling.ScalingActionKind.STOP;
import static io.berth.inventory.domain.scaling.ScalingActionKind.UNDRAIN;
import static io.berth.inventory.domain.scaling.ScalingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** One test per sentence of DESIGN.md 7.3's semantics, the five marked fix included. */
class ScalingPolicyTest {

    private static final ScalingPlanConfig EXAMPLE = examplePlan();

    // Phase and load balancing

    @Test
    void thePhaseIsTheOneWhoseStartIsTheLatestAtOrBeforeNow() {
        List<HostFacts> hosts = List.of(available("h1"));

        assertThat(decide(EXAMPLE, hosts, at("08:59")).phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(decide(EXAMPLE, hosts, at("09:00")).phase()).isEqualTo(ScalingPhase.PEAK);
        assertThat(decide(EXAMPLE, hosts, at("09:00")).scheduleName()).isEqualTo("every-day");
    }

    @Test
    void thePoolsEffectiveLoadBalancerIsThePhases() {
        List<HostFacts> hosts = List.of(available("h1"));

        assertThat(decide(EXAMPLE, hosts, RAMP_UP_TIME).loadBalancer()).isEqualTo(LoadBalancer.BREADTH_FIRST);
        assertThat(decide(EXAMPLE, hosts, PEAK_TIME).loadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(decide(EXAMPLE, hosts, RAMP_DOWN_TIME).loadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(decide(EXAMPLE, hosts, OFF_PEAK_TIME).loadBalancer()).isEqualTo(LoadBalancer.BREADTH_FIRST);
    }

    @Test
    void peakUsesRampUpsThresholdAndMinimumAndOffPeakRampDowns() {
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hosts.add(withActive("h" + i, 1));
        }

        Capacity peak = decide(EXAMPLE, hosts, PEAK_TIME).capacity();
        Capacity offPeak = decide(EXAMPLE, hosts, OFF_PEAK_TIME).capacity();

        assertThat(peak.thresholdPct()).isEqualTo(60);
        assertThat(peak.minimumHosts()).isEqualTo(2);
        assertThat(offPeak.thresholdPct()).isEqualTo(90);
        assertThat(offPeak.minimumHosts()).isEqualTo(1);
    }

    // Managed, on, available, used capacity, minimum

    @Test
    void managedHostsAreThePoolsHostsWithoutTheExclusionTag() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(10, 90), "no-autoscale");

        Capacity capacity = decide(plan, List.of(available("a"), available("b"),
                tagged(available("c"), "no-autoscale"), tagged(available("d"), "other")), PEAK_TIME).capacity();

        assertThat(capacity.managedHosts()).isEqualTo(3);
        assertThat(capacity.excludedHosts()).isEqualTo(1);
    }

    @Test
    void onHostsAreNeitherShutDownNorSilentOrUnavailableForLongerThanFiveMinutes() {
        Instant now = PEAK_TIME;
        List<HostFacts> hosts = List.of(available("a"), shutdown("b"),
                since(host("c", Health.NO_HEARTBEAT, true, List.of()), now.minus(Duration.ofMinutes(4))),
                since(host("d", Health.NO_HEARTBEAT, true, List.of()), now.minus(Duration.ofMinutes(6))),
                since(host("e", Health.UNAVAILABLE, true, List.of()), now.minus(Duration.ofMinutes(10))),
                since(host("f", Health.UNAVAILABLE, true, List.of()), now.minus(Duration.ofMinutes(2))),
                host("g", Health.NEEDS_ASSISTANCE, true, List.of()));

        assertThat(decide(EXAMPLE, hosts, now).capacity().onHosts()).isEqualTo(4);
    }

    @Test
    void availableHostsAreOnAvailableAndNotDrained() {
        List<HostFacts> hosts = List.of(available("a"), withActive("b", 1), adminDrained(available("c")),
                host("d", Health.NEEDS_ASSISTANCE, true, List.of()), host("e", Health.UPGRADING, true, List.of()));

        assertThat(decide(EXAMPLE, hosts, PEAK_TIME).capacity().availableHosts()).isEqualTo(2);
    }

    @Test
    void usedCapacityIsLiveSessionsOnManagedHostsOverTheSlotsOfAvailableHosts() {
        List<HostFacts> hosts = List.of(withActive("a", 3), available("b", ACTIVE, DISCONNECTED),
                adminDrained(available("c", PENDING)));

        Capacity capacity = decide(EXAMPLE, hosts, PEAK_TIME).capacity();

        assertThat(capacity.liveSessions()).isEqualTo(6);
        assertThat(capacity.usedPct()).isEqualTo(30);
    }

    @Test
    void usedCapacityIsAHundredWithNoAvailableHostAndALiveSessionAndZeroWithoutSessions() {
        ScalingPlanConfig noMinimum = plan(rampUp(0, 60), rampDown(0, 90));

        Capacity withSession = decide(noMinimum, List.of(adminDrained(withActive("a", 1))), PEAK_TIME).capacity();
        Capacity withoutSession = decide(noMinimum, List.of(shutdown("a")), PEAK_TIME).capacity();

        assertThat(withSession.usedPct()).isEqualTo(100);
        assertThat(withoutSession.usedPct()).isZero();
    }

    @Test
    void theMinimumIsTheCeilingOfItsPercentageOfManagedHosts() {
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 10; i < 21; i++) {
            hosts.add(available("h" + i));
        }

        assertThat(decide(EXAMPLE, hosts, PEAK_TIME).capacity().minimumHosts()).isEqualTo(3);
    }

    @Test
    void fixExcludedHostsCountNeitherTowardManagedHostsNorTheMinimum() {
        ScalingPlanConfig plan = plan(rampUp(40, 60), rampDown(10, 90), "no-autoscale");
        List<HostFacts> hosts = new ArrayList<>(List.of(available("h1"), available("h2"), shutdown("h3"),
                shutdown("h4"), shutdown("h5")));
        for (int i = 1; i <= 5; i++) {
            hosts.add(tagged(available("x" + i), "no-autoscale"));
        }

        ScalingDecision decision = decide(plan, hosts, PEAK_TIME);

        assertThat(decision.capacity().minimumHosts()).isEqualTo(2);
        assertThat(decision.capacity().availableHosts()).isEqualTo(2);
        assertThat(decision.actions()).isEmpty();
    }

    // Start

    @Test
    void startsShutDownManagedHostsInHostIdOrderWhileAvailableHostsAreBelowTheMinimum() {
        ScalingPlanConfig plan = plan(rampUp(50, 60), rampDown(10, 90));

        ScalingDecision decision = decide(plan, List.of(shutdown("h3"), shutdown("h1"), shutdown("h4"),
                shutdown("h2")), RAMP_UP_TIME);

        assertThat(hostsActedOn(decision, START)).containsExactly("h1", "h2");
        assertThat(decision.memory().startedAt()).containsOnlyKeys("h1", "h2");
    }

    @Test
    void startsEnoughHostsForADemandSpikeInOneEvaluationButNotAll() {
        List<HostFacts> hosts = new ArrayList<>(List.of(withActive("h01", 10), withActive("h02", 10)));
        for (int i = 3; i <= 10; i++) {
            hosts.add(shutdown(String.format("h%02d", i)));
        }

        ScalingDecision decision = decide(EXAMPLE, hosts, PEAK_TIME);

        // 20 sessions need 4 hosts to stay at or under 60 % of 10 slots each
        assertThat(hostsActedOn(decision, START)).containsExactly("h03", "h04");
        assertThat(decision.capacity().startingHosts()).isEqualTo(2);
    }

    @Test
    void aHostStartedWithinTheLastTenMinutesCountsAsAvailableForTheDecision() {
        List<HostFacts> hosts = new ArrayList<>(List.of(withActive("h01", 10), withActive("h02", 10)));
        for (int i = 3; i <= 10; i++) {
            hosts.add(shutdown(String.format("h%02d", i)));
        }
        ScalerMemory started = memoryWith(Map.of("h03", PEAK_TIME.minus(Duration.ofMinutes(9))), Map.of());

        ScalingDecision decision = decide(EXAMPLE, hosts, started, PEAK_TIME);

        assertThat(hostsActedOn(decision, START)).containsExactly("h04");
    }

    @Test
    void aHostStartedTenMinutesAgoIsNoLongerStartingAndAnAvailableOneIsForgotten() {
        List<HostFacts> hosts = List.of(withActive("h1", 10), withActive("h2", 10), shutdown("h3"), shutdown("h4"),
                available("h5"));
        ScalerMemory started = memoryWith(Map.of("h3", PEAK_TIME.minus(Duration.ofMinutes(10)),
                "h5", PEAK_TIME.minus(Duration.ofMinutes(11))), Map.of());

        ScalingDecision decision = decide(EXAMPLE, hosts, started, PEAK_TIME);

        // 20 sessions on h1, h2, h5 are 67 %: one more host, and h3 is startable again
        assertThat(hostsActedOn(decision, START)).containsExactly("h3");
        assertThat(decision.memory().startedAt()).containsOnlyKeys("h3").containsEntry("h3", PEAK_TIME);
    }

    // Stop

    @Test
    void hostsAreStoppedOnlyInRampDownAndOffPeak() {
        List<HostFacts> hosts = List.of(withActive("h1", 1), available("h2"), available("h3"));

        assertThat(decide(EXAMPLE, hosts, RAMP_UP_TIME).actions()).isEmpty();
        assertThat(decide(EXAMPLE, hosts, PEAK_TIME).actions()).isEmpty();
        assertThat(hostsActedOn(decide(EXAMPLE, hosts, RAMP_DOWN_TIME), STOP)).containsExactly("h2");
        assertThat(hostsActedOn(decide(EXAMPLE, hosts, OFF_PEAK_TIME), STOP)).containsExactly("h2");
    }

    @Test
    void anEmptyAvailableHostIsDrainedThenStoppedWhenThePoolCanDoWithoutIt() {
        ScalingDecision decision = decide(EXAMPLE, List.of(withActive("h1", 5), available("h2"), available("h3")),
                RAMP_DOWN_TIME);

        assertThat(decision.actions()).extracting(ScalingAction::action, ScalingAction::hostId)
                .containsExactly(tuple(DRAIN, "h2"),
                        tuple(STOP, "h2"));
        assertThat(decision.memory().drained()).containsEntry("h2", DrainPurpose.STOP);
    }

    @Test
    void anEmptyHostStaysWhenWithoutItAvailableHostsFallBelowTheMinimum() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(100, 90));

        assertThat(decide(plan, List.of(withActive("h1", 1), available("h2")), RAMP_DOWN_TIME).actions()).isEmpty();
    }

    @Test
    void anEmptyHostStaysWhenWithoutItUsedCapacityWouldPassTheThresholdCountingItsSessionsOnTheOthers() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(0, 50));

        assertThat(decide(plan, List.of(withActive("h1", 9), available("h2")), RAMP_DOWN_TIME).actions()).isEmpty();
    }

    @Test
    void hostsAreStoppedOneAtATimePerEvaluation() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(0, 90));

        ScalingDecision decision = decide(plan, List.of(available("h1"), available("h2"), available("h3"),
                available("h4")), OFF_PEAK_TIME);

        assertThat(hostsActedOn(decision, STOP)).containsExactly("h1");
    }

    @Test
    void fixAHostWithALiveSessionIsNeverStopped() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(0, 90));

        ScalingDecision decision = decide(plan, List.of(available("h1", DISCONNECTED), available("h2", PENDING),
                withActive("h3", 1)), OFF_PEAK_TIME);

        assertThat(decision.actions()).isEmpty();
    }

    @Test
    void underZeroActiveSessionsDisconnectedSessionsAreLoggedOffOnceAndTheHostStoppedOnceEmpty() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), zeroActive(0, 90));
        HostFacts h1 = available("h1", DISCONNECTED, DISCONNECTED);
        List<HostFacts> before = List.of(h1, withActive("h2", 1));

        ScalingDecision first = decide(plan, before, RAMP_DOWN_TIME);
        ScalingDecision again = decide(plan, List.of(drainedByScaler(h1), withActive("h2", 1)), first.memory(),
                RAMP_DOWN_TIME.plusSeconds(30));
        ScalingDecision emptied = decide(plan, List.of(drainedByScaler(available("h1")), withActive("h2", 1)),
                again.memory(), RAMP_DOWN_TIME.plusSeconds(60));

        assertThat(first.actions()).extracting(ScalingAction::action).containsExactly(DRAIN, LOGOFF, LOGOFF);
        assertThat(sessionsActedOn(first, LOGOFF)).containsExactly("h1/s0", "h1/s1");
        assertThat(hostsActedOn(first, STOP)).isEmpty();
        assertThat(again.actions()).isEmpty();
        assertThat(hostsActedOn(emptied, STOP)).containsExactly("h1");
    }

    @Test
    void hostsThatEmptiedTogetherAreStillStoppedOneAtATime() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), zeroActive(0, 90));
        List<HostFacts> hosts = List.of(drainedByScaler(available("h1")), drainedByScaler(available("h2")),
                withActive("h3", 1));
        ScalerMemory memory = memoryWith(Map.of(), Map.of("h1", DrainPurpose.FORCED_LOGOFF,
                "h2", DrainPurpose.FORCED_LOGOFF));

        ScalingDecision first = decide(plan, hosts, memory, RAMP_DOWN_TIME);
        ScalingDecision second = decide(plan, hosts, first.memory(), RAMP_DOWN_TIME.plusSeconds(30));

        assertThat(hostsActedOn(first, STOP)).containsExactly("h1");
        assertThat(hostsActedOn(second, STOP)).containsExactly("h2");
    }

    @Test
    void underZeroActiveSessionsAHostWhoseUserIsActiveAgainIsUndrained() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), zeroActive(0, 90));
        ScalerMemory memory = memoryWith(Map.of(), Map.of("h1", DrainPurpose.FORCED_LOGOFF));

        ScalingDecision decision = decide(plan, List.of(drainedByScaler(available("h1", ACTIVE)), withActive("h2", 1)),
                memory, RAMP_DOWN_TIME);

        assertThat(hostsActedOn(decision, UNDRAIN)).containsExactly("h1");
        assertThat(hostsActedOn(decision, STOP)).isEmpty();
    }

    @Test
    void aShutDownHostThatAnAdminDrainedIsNotStarted() {
        ScalingPlanConfig plan = plan(rampUp(100, 60), rampDown(0, 90));

        ScalingDecision decision = decide(plan, List.of(adminDrained(shutdown("h1")), shutdown("h2")), RAMP_UP_TIME);

        assertThat(hostsActedOn(decision, START)).containsExactly("h2");
    }

    // Forced logoff

    @Test
    void forcedLogoffDrainsTheLeastLoadedAvailableHostAndWarnsEachOfItsSessions() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));

        ScalingDecision decision = decide(plan, List.of(withActive("h1", 3), available("h2", ACTIVE, DISCONNECTED),
                withActive("h3", 2)), RAMP_DOWN_TIME);

        assertThat(decision.actions()).extracting(ScalingAction::action).containsExactly(DRAIN, MESSAGE, MESSAGE);
        assertThat(hostsActedOn(decision, DRAIN)).containsExactly("h2");
        assertThat(decision.actions()).filteredOn(a -> a.action() == MESSAGE)
                .allSatisfy(a -> assertThat(a.message()).isEqualTo("Save your work"));
        assertThat(decision.memory().drained()).containsEntry("h2", DrainPurpose.FORCED_LOGOFF);
        assertThat(decision.memory().notifiedAt()).containsEntry("h2", RAMP_DOWN_TIME);
    }

    @Test
    void fixForcedLogoffWaitsForTheMessagesWaitTimeThenLogsOffOnce() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));
        HostFacts h2 = available("h2", ACTIVE);
        ScalingDecision warned = decide(plan, List.of(withActive("h1", 3), h2), RAMP_DOWN_TIME);
        List<HostFacts> drained = List.of(withActive("h1", 3), drainedByScaler(h2));

        ScalingDecision early = decide(plan, drained, warned.memory(), RAMP_DOWN_TIME.plus(Duration.ofMinutes(29)));
        ScalingDecision due = decide(plan, drained, early.memory(), RAMP_DOWN_TIME.plus(Duration.ofMinutes(30)));
        ScalingDecision later = decide(plan, drained, due.memory(), RAMP_DOWN_TIME.plus(Duration.ofMinutes(31)));

        assertThat(hostsActedOn(warned, DRAIN)).containsExactly("h2");
        assertThat(early.actions()).isEmpty();
        assertThat(sessionsActedOn(due, LOGOFF)).containsExactly("h2/s0");
        assertThat(later.actions()).isEmpty();
    }

    @Test
    void aHostEmptiedByAForcedLogoffIsStopped() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));
        ScalerMemory memory = memoryWith(Map.of(), Map.of("h2", DrainPurpose.FORCED_LOGOFF));

        ScalingDecision decision = decide(plan, List.of(withActive("h1", 3), drainedByScaler(available("h2"))),
                memory, RAMP_DOWN_TIME);

        assertThat(hostsActedOn(decision, STOP)).containsExactly("h2");
        assertThat(decision.memory().drained()).containsEntry("h2", DrainPurpose.STOP);
    }

    @Test
    void forcedLogoffHappensOnlyInRampDownWithForceLogoffUsers() {
        List<HostFacts> hosts = List.of(withActive("h1", 3), withActive("h2", 1));

        assertThat(decide(plan(rampUp(20, 60), forcedLogoff(0, 90, 30)), hosts, OFF_PEAK_TIME).actions()).isEmpty();
        assertThat(decide(plan(rampUp(20, 60), rampDown(0, 90)), hosts, RAMP_DOWN_TIME).actions()).isEmpty();
    }

    @Test
    void forcedLogoffHappensOnlyWhenThePoolCanDoWithOneHostFewer() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));

        assertThat(decide(plan, List.of(withActive("h1", 9), withActive("h2", 8)), RAMP_DOWN_TIME).actions())
                .isEmpty();
        assertThat(decide(plan(rampUp(20, 60), forcedLogoff(100, 90, 30)),
                List.of(withActive("h1", 1), withActive("h2", 1)), RAMP_DOWN_TIME).actions()).isEmpty();
    }

    // The scaler only undoes what it did

    @Test
    void fixTheScalersDrainsAreUndoneWhenRampUpOrPeakBegins() {
        ScalerMemory memory = memoryWith(Map.of(), Map.of("h1", DrainPurpose.FORCED_LOGOFF, "h2", DrainPurpose.STOP));
        List<HostFacts> hosts = List.of(drainedByScaler(withActive("h1", 1)), drainedByScaler(available("h2")));

        for (Instant now : List.of(RAMP_UP_TIME, PEAK_TIME)) {
            ScalingDecision decision = decide(EXAMPLE, hosts, memory, now);

            assertThat(hostsActedOn(decision, UNDRAIN)).containsExactly("h1", "h2");
            assertThat(decision.memory().drained()).isEmpty();
            assertThat(decision.capacity().availableHosts()).isEqualTo(2);
        }
    }

    @Test
    void aHostDrainedForForcedLogoffIsUndrainedWhenDemandRisesAgain() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));
        ScalerMemory memory = new ScalerMemory(Map.of(), Map.of("h1", DrainPurpose.FORCED_LOGOFF),
                Map.of("h1", RAMP_DOWN_TIME), Map.of(), ScalingPhase.RAMP_DOWN, List.of());

        ScalingDecision decision = decide(plan, List.of(drainedByScaler(withActive("h1", 2)), withActive("h2", 10)),
                memory, RAMP_DOWN_TIME.plus(Duration.ofMinutes(5)));

        assertThat(decision.actions()).extracting(ScalingAction::action, ScalingAction::hostId)
                .containsExactly(tuple(UNDRAIN, "h1"));
        assertThat(decision.memory().drained()).isEmpty();
        assertThat(decision.memory().notifiedAt()).isEmpty();
    }

    @Test
    void fixAnAdminsDrainIsNeverUndoneAndSuchAHostIsNeitherAvailableNorStopped() {
        List<HostFacts> hosts = List.of(adminDrained(available("h1")), available("h2"), available("h3"));

        for (Instant now : List.of(RAMP_UP_TIME, PEAK_TIME, RAMP_DOWN_TIME, OFF_PEAK_TIME)) {
            ScalingDecision decision = decide(EXAMPLE, hosts, now);

            assertThat(decision.actions()).noneMatch(a -> a.hostId().equals("h1"));
            assertThat(decision.capacity().availableHosts()).isLessThanOrEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Health.class, names = {"NEEDS_ASSISTANCE", "UPGRADING", "UNAVAILABLE", "NO_HEARTBEAT"})
    void fixAHostWithAnOddHealthIsNeitherCountedAsAvailableNorStopped(Health odd) {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(0, 90));
        HostFacts oddHost = since(host("h1", odd, true, List.of()), OFF_PEAK_TIME.minusSeconds(60));

        // the odd host is the only empty one: counted as available, it would be stopped
        ScalingDecision decision = decide(plan, List.of(oddHost, withActive("h2", 1), withActive("h3", 1)),
                OFF_PEAK_TIME);

        assertThat(decision.capacity().availableHosts()).isEqualTo(2);
        assertThat(decision.actions()).isEmpty();
    }

    @Test
    void fixAnOddHealthDoesNotMakeTheScalerStartHostsOverAndOver() {
        ScalingPlanConfig plan = plan(rampUp(100, 60), rampDown(0, 90));
        List<HostFacts> hosts = List.of(host("h1", Health.NEEDS_ASSISTANCE, true, List.of()), shutdown("h2"));

        ScalingDecision first = decide(plan, hosts, RAMP_UP_TIME);
        ScalingDecision second = decide(plan, hosts, first.memory(), RAMP_UP_TIME.plusSeconds(30));

        assertThat(hostsActedOn(first, START)).containsExactly("h2");
        assertThat(second.actions()).isEmpty();
    }

    @Test
    void excludedHostsAreNeverStartedStoppedDrainedWarnedOrLoggedOff() {
        ScalingPlanConfig forced = plan(rampUp(100, 60), forcedLogoff(0, 90, 0), "no-autoscale");
        List<HostFacts> hosts = List.of(tagged(shutdown("x1"), "no-autoscale"),
                tagged(available("x2"), "no-autoscale"), tagged(withActive("x3", 1), "no-autoscale"),
                withActive("h1", 3), withActive("h2", 3));

        for (Instant now : List.of(RAMP_UP_TIME, RAMP_DOWN_TIME, OFF_PEAK_TIME)) {
            assertThat(decide(forced, hosts, now).actions()).noneMatch(a -> a.hostId().startsWith("x"));
        }
        assertThat(hostsActedOn(decide(forced, hosts, RAMP_DOWN_TIME), DRAIN)).containsExactly("h1");
    }

    @Test
    void aStoppedHostThatReportsShutdownIsForgottenFromDrained() {
        ScalerMemory memory = memoryWith(Map.of(), Map.of("h1", DrainPurpose.STOP));

        ScalingDecision decision = decide(EXAMPLE, List.of(adminDrained(shutdown("h1")), withActive("h2", 1)), memory,
                OFF_PEAK_TIME);

        assertThat(hostsActedOn(decision, UNDRAIN)).containsExactly("h1");
        assertThat(decision.memory().drained()).isEmpty();
    }

    @Test
    void neverStopsHostsBelowTheMinimumHoweverManyEvaluations() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(50, 90));
        List<HostFacts> hosts = new ArrayList<>(List.of(available("h1"), available("h2"), available("h3"),
                available("h4")));
        ScalerMemory memory = ScalerMemory.empty();

        for (int evaluation = 0; evaluation < 6; evaluation++) {
            ScalingDecision decision = decide(plan, hosts, memory, OFF_PEAK_TIME.plusSeconds(30L * evaluation));
            memory = decision.memory();
            for (String stopped : hostsActedOn(decision, STOP)) {
                hosts.replaceAll(h -> h.hostId().equals(stopped) ? adminDrained(shutdown(stopped)) : h);
            }
        }

        assertThat(hosts).filteredOn(h -> h.health() == Health.AVAILABLE).hasSize(2);
    }

    // Every action is recorded with its reason

    @Test
    void everyActionCarriesItsReasonAndTheLastHundredAreKeptNewestFirst() {
        List<ScalingAction> old = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            old.add(ScalingAction.onHost(OFF_PEAK_TIME.minusSeconds(100 - i), "old" + i, START, "earlier"));
        }
        ScalerMemory memory = new ScalerMemory(Map.of(), Map.of(), Map.of(), Map.of(), ScalingPhase.OFF_PEAK, old);

        ScalingDecision decision = decide(EXAMPLE, List.of(withActive("h1", 1), available("h2")), memory,
                OFF_PEAK_TIME);

        assertThat(decision.actions()).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
        assertThat(decision.memory().recentActions()).hasSize(100);
        assertThat(decision.memory().recentActions().subList(0, 3)).extracting(ScalingAction::action)
                .containsExactly(STOP, DRAIN, START);
        assertThat(decision.memory().lastPhase()).isEqualTo(ScalingPhase.OFF_PEAK);
    }

    @Test
    void theDecisionIsTheSameWhateverOrderTheHostsComeIn() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 0));
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            hosts.add(i % 3 == 0 ? shutdown("h" + i) : withActive("h" + i, i % 4));
        }
        ScalingDecision expected = decide(plan, hosts, RAMP_DOWN_TIME);

        List<HostFacts> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, new Random(7));

        assertThat(decide(plan, shuffled, RAMP_DOWN_TIME)).isEqualTo(expected);
    }

    private static ScalerMemory memoryWith(Map<String, Instant> startedAt, Map<String, DrainPurpose> drained) {
        return new ScalerMemory(startedAt, drained, Map.of(), Map.of(), null, List.of());
    }
}
