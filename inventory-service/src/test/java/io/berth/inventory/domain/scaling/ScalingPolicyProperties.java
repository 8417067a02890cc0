package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.events.SessionState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static io.berth.inventory.domain.scaling.ScalingFixtures.MAX_SESSIONS;
import static io.berth.inventory.domain.scaling.ScalingFixtures.MONDAY;
import static io.berth.inventory.domain.scaling.ScalingFixtures.plan;
import static io.berth.inventory.domain.scaling.ScalingFixtures.rampUp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScalingPolicy#decide} over random plans, fleets (healths, tags, drains, sessions), scaler memories and
 * times of the week: the promises of DESIGN.md 7.3 hold for every input.
 */
class ScalingPolicyProperties {

    private static final String TAG = "no-autoscale";

    /** One generated host: its state and what the scaler remembers of it. */
    record HostCase(Health health, int healthMinutesAgo, boolean allowNewSessions, boolean tagged,
                    List<SessionState> sessions, int startedMinutesAgo, DrainPurpose drained, int notifiedMinutesAgo,
                    boolean loggedOff) {
    }

    /** One generated decision input. */
    record Case(ScalingPlanConfig plan, List<HostCase> hosts, Instant now) {

        ScalingInput input() {
            List<HostFacts> facts = new ArrayList<>();
            Map<String, Instant> startedAt = new HashMap<>();
            Map<String, DrainPurpose> drained = new HashMap<>();
            Map<String, Instant> notifiedAt = new HashMap<>();
            Map<String, Instant> loggedOffAt = new HashMap<>();
            for (int i = 0; i < hosts.size(); i++) {
                HostCase h = hosts.get(i);
                String hostId = String.format("host-%02d", i);
                List<SessionFact> sessions = new ArrayList<>();
                for (int s = 0; s < h.sessions().size(); s++) {
                    sessions.add(new SessionFact(hostId + "/s" + s, h.sessions().get(s)));
                }
                // a host the scaler drained shows allowNewSessions false, as its DRAIN left it
                boolean allowNew = h.drained() == null && h.allowNewSessions();
                facts.add(new HostFacts(hostId, h.health(), now.minus(Duration.ofMinutes(h.healthMinutesAgo())),
                        allowNew, h.tagged() ? List.of(TAG) : List.of(), sessions));
                if (h.startedMinutesAgo() >= 0) {
                    startedAt.put(hostId, now.minus(Duration.ofMinutes(h.startedMinutesAgo())));
                }
                if (h.drained() != null) {
                    drained.put(hostId, h.drained());
                    if (h.drained() == DrainPurpose.FORCED_LOGOFF && h.notifiedMinutesAgo() >= 0) {
                        notifiedAt.put(hostId, now.minus(Duration.ofMinutes(h.notifiedMinutesAgo())));
                    }
                }
                if (h.loggedOff() && !sessions.isEmpty()) {
                    loggedOffAt.put(sessions.get(0).sessionId(), now.minusSeconds(60));
                }
            }
            Collections.shuffle(facts, new Random(hosts.size()));
            return new ScalingInput(plan, ScalingFixtures.POOL, MAX_SESSIONS, facts,
                    new ScalerMemory(startedAt, drained, notifiedAt, loggedOffAt, null, List.of()), now);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<ScalingPlanConfig> plans = Combinators.combine(Arbitraries.integers().between(0, 100),
                Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 100),
                Arbitraries.integers().between(0, 100), Arbitraries.of(true, false), Arbitraries.integers().between(0, 60),
                Arbitraries.of(StopHostsWhen.values()), Arbitraries.of(true, false)).as(
                (upMin, upThreshold, downMin, downThreshold, force, wait, when, excluding) -> plan(
                        rampUp(upMin, upThreshold), new RampDown("18:00", io.berth.common.events.LoadBalancer.DEPTH_FIRST,
                                downMin, downThreshold, force, wait, "Save your work", when), excluding ? TAG : null));
        Arbitrary<Health> healths = Arbitraries.frequency(Tuple.of(6, Health.AVAILABLE), Tuple.of(4, Health.SHUTDOWN),
                Tuple.of(1, Health.NEEDS_ASSISTANCE), Tuple.of(1, Health.UPGRADING), Tuple.of(1, Health.UNAVAILABLE),
                Tuple.of(1, Health.NO_HEARTBEAT));
        Arbitrary<List<SessionState>> sessions = Arbitraries.of(SessionState.PENDING, SessionState.ACTIVE,
                SessionState.DISCONNECTED).list().ofMaxSize(MAX_SESSIONS);
        Arbitrary<Tuple.Tuple5<Health, Integer, Boolean, Boolean, List<SessionState>>> states = Combinators.combine(
                healths, Arbitraries.integers().between(0, 20), Arbitraries.frequency(Tuple.of(5, true), Tuple.of(1, false)),
                Arbitraries.frequency(Tuple.of(1, true), Tuple.of(5, false)), sessions).as(Tuple::of);
        Arbitrary<Tuple.Tuple4<Integer, DrainPurpose, Integer, Boolean>> memories = Combinators.combine(
                Arbitraries.integers().between(-15, 15), Arbitraries.of(DrainPurpose.values()).injectNull(0.7),
                Arbitraries.integers().between(-1, 60), Arbitraries.of(true, false)).as(Tuple::of);
        Arbitrary<List<HostCase>> fleets = Combinators.combine(states, memories).as((s, m) -> new HostCase(s.get1(),
                s.get2(), s.get3(), s.get4(), s.get5(), m.get1(), m.get2(), m.get3(), m.get4())).list().ofMaxSize(25);
        Arbitrary<Instant> times = Arbitraries.integers().between(0, 7 * 24 * 60 - 1)
                .map(minute -> MONDAY.plus(Duration.ofMinutes(minute)));
        return Combinators.combine(plans, fleets, times).as(Case::new);
    }

    @Property(tries = 500)
    void neverStopsAHostThatHoldsALiveSession(@ForAll("cases") Case scenario) {
        ScalingInput input = scenario.input();
        ScalingDecision decision = ScalingPolicy.decide(input);

        for (ScalingAction stop : actions(decision, ScalingActionKind.STOP)) {
            assertThat(host(input, stop.hostId()).sessions()).as("sessions of stopped host %s", stop.hostId())
                    .noneMatch(s -> s.state().isLive());
        }
    }

    @Property(tries = 500)
    void neverLeavesAHostItDrainedDrainedInRampUpOrPeak(@ForAll("cases") Case scenario) {
        ScalingInput input = scenario.input();
        ScalingDecision decision = ScalingPolicy.decide(input);

        if (decision.phase() == ScalingPhase.RAMP_UP || decision.phase() == ScalingPhase.PEAK) {
            assertThat(decision.memory().drained()).isEmpty();
            assertThat(actions(decision, ScalingActionKind.DRAIN)).isEmpty();
            assertThat(actions(decision, ScalingActionKind.UNDRAIN)).extracting(ScalingAction::hostId)
                    .containsExactlyInAnyOrderElementsOf(input.memory().drained().keySet());
        }
    }

    @Property(tries = 500)
    void neverActsOnAnExcludedHostNorDrainsOrStopsOneAnAdminDrained(@ForAll("cases") Case scenario) {
        ScalingInput input = scenario.input();
        ScalingDecision decision = ScalingPolicy.decide(input);

        for (ScalingAction action : decision.actions()) {
            HostFacts host = host(input, action.hostId());
            boolean ownDrain = input.memory().drained().containsKey(host.hostId());
            if (action.action() != ScalingActionKind.UNDRAIN) {
                assertThat(isExcluded(input, host)).as("%s on excluded %s", action.action(), host.hostId()).isFalse();
            }
            if (!host.allowNewSessions() && !ownDrain) {
                assertThat(action.action()).as("action on admin-drained %s", host.hostId())
                        .isNotIn(ScalingActionKind.DRAIN, ScalingActionKind.UNDRAIN, ScalingActionKind.STOP);
            }
            if (action.action() == ScalingActionKind.UNDRAIN) {
                assertThat(ownDrain).as("undrain of %s, which the scaler did not drain", host.hostId()).isTrue();
            }
        }
    }

    @Property(tries = 500)
    void afterAStartAvailableAndStartingHostsMeetTheMinimumAndThresholdOrNoHostIsLeftToStart(
            @ForAll("cases") Case scenario) {
        ScalingInput input = scenario.input();
        ScalingDecision decision = ScalingPolicy.decide(input);

        if (!actions(decision, ScalingActionKind.START).isEmpty()) {
            Capacity capacity = decision.capacity();
            int hosts = capacity.availableHosts() + capacity.startingHosts();
            boolean enough = hosts >= capacity.minimumHosts() && (hosts == 0 ? capacity.liveSessions() == 0
                    : capacity.liveSessions() * 100L <= (long) capacity.thresholdPct() * MAX_SESSIONS * hosts);
            Set<String> leftToStart = input.hosts().stream()
                    .filter(h -> h.health() == Health.SHUTDOWN && !isExcluded(input, h)
                            && (h.allowNewSessions() || input.memory().drained().containsKey(h.hostId())))
                    .map(HostFacts::hostId)
                    .filter(id -> !decision.memory().startedAt().containsKey(id))
                    .collect(Collectors.toSet());
            assertThat(enough || leftToStart.isEmpty()).as("enough capacity %s, or none left to start but %s",
                    capacity, leftToStart).isTrue();
        }
    }

    @Property(tries = 200)
    void theDecisionDoesNotDependOnTheOrderOfHosts(@ForAll("cases") Case scenario) {
        ScalingInput input = scenario.input();
        List<HostFacts> reversed = new ArrayList<>(input.hosts());
        Collections.reverse(reversed);

        assertThat(ScalingPolicy.decide(new ScalingInput(input.plan(), input.poolId(), input.maxSessionsPerHost(),
                reversed, input.memory(), input.now()))).isEqualTo(ScalingPolicy.decide(input));
    }

    private static List<ScalingAction> actions(ScalingDecision decision, ScalingActionKind kind) {
        return decision.actions().stream().filter(a -> a.action() == kind).toList();
    }

    private static boolean isExcluded(ScalingInput input, HostFacts host) {
        return input.plan().exclusionTag() != null && host.tags().contains(input.plan().exclusionTag());
    }

    private static HostFacts host(ScalingInput input, String hostId) {
        return input.hosts().stream().filter(h -> h.hostId().equals(hostId)).findFirst().orElseThrow();
    }
}
