package io.berth.inventory.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.inventory.domain.scaling.DemandPoint;
import io.berth.inventory.domain.scaling.ScalingAction;
import io.berth.inventory.domain.scaling.ScalingActionKind;
import io.berth.inventory.domain.scaling.ScalingDecision;
import io.berth.inventory.domain.scaling.ScalingSchedule;
import io.berth.inventory.domain.scaling.ScalingSimulation;
import io.berth.inventory.domain.scaling.SimulatedStep;
import io.berth.inventory.domain.scaling.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay of issue 12: the dry run and the live scaler, fed the same plan, hosts, demand and times, take the
 * same actions. The live side is the inventory driven step by step through the live scaler's own evaluation
 * ({@link ScalingRound#evaluate}): its changes are applied as the writer applies them once committed, and a
 * world model carries out what was published — the power controller obeys START and STOP, the agent LOGOFF, and
 * the broker places the wanted sessions as the dry run's fleet does. Over a whole day with demand rising and
 * falling, every step's actions, phase and counts must be the dry run's.
 */
class ScalingReplayTest {

    private static final String POOL = "replay";
    private static final int MAX_SESSIONS = 4;
    private static final Instant FROM = Instant.parse("2026-01-05T05:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-06T05:00:00Z");
    private static final int STEP_MINUTES = 15;

    private static final ScalingPlanConfig PLAN = new ScalingPlanConfig(1, "replay-plan", "UTC", List.of(POOL),
            "no-autoscale", List.of(new Schedule("daily", List.of(DayOfWeek.values()),
            new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 40, 60),
            new Phase("09:00", LoadBalancer.DEPTH_FIRST),
            new RampDown("18:00", LoadBalancer.DEPTH_FIRST, 10, 80, true, 30, "Save your work",
                    StopHostsWhen.ZERO_SESSIONS),
            new Phase("22:00", LoadBalancer.DEPTH_FIRST))));

    private static final List<DemandPoint> DEMAND = List.of(
            new DemandPoint(Instant.parse("2026-01-05T07:30:00Z"), 9),
            new DemandPoint(Instant.parse("2026-01-05T09:00:00Z"), 19),
            new DemandPoint(Instant.parse("2026-01-05T12:00:00Z"), 27),
            new DemandPoint(Instant.parse("2026-01-05T17:00:00Z"), 11),
            new DemandPoint(Instant.parse("2026-01-05T18:30:00Z"), 5),
            new DemandPoint(Instant.parse("2026-01-05T21:00:00Z"), 1),
            new DemandPoint(Instant.parse("2026-01-06T01:00:00Z"), 0));

    private final Inventory inventory = new Inventory();
    /** Every live session, newest on top: the order in which falling demand ends them (the dry run's). */
    private final Deque<SessionEvent> newestFirst = new ArrayDeque<>();
    private final AtomicInteger commandIds = new AtomicInteger();
    private int nextSessionNumber;

    @Test
    void theLiveScalerAndTheDryRunTakeTheSameActionsOverADay() {
        // given a pool of eight hosts: two busy, one empty, four shut down, one excluded
        inventory.apply(new Change.PoolSaved(ScalingFixtures.pooled(POOL, MAX_SESSIONS)));
        inventory.apply(new Change.ScalingPlanChanged(PLAN.planId(), PLAN));
        for (String hostId : List.of("vm-01", "vm-02", "vm-03", "vm-04", "vm-05", "vm-06", "vm-07")) {
            register(hostId, hostId.compareTo("vm-03") <= 0 ? Health.AVAILABLE : Health.SHUTDOWN, List.of());
        }
        register("vm-x", Health.AVAILABLE, List.of("no-autoscale"));
        for (String sessionId : List.of("s-1", "s-2", "s-3")) {
            liveSession(sessionId, "vm-01");
        }
        liveSession("s-4", "vm-02");

        // when the dry run simulates the day from the hosts as they are now
        List<SimulatedStep> simulated = ScalingSimulation.run(PLAN, MAX_SESSIONS,
                inventory.scalingRound().hostFacts(POOL), new SimulationRequest(POOL, FROM, TO, STEP_MINUTES, DEMAND));

        // and the live scaler evaluates the same day, its published actions carried out by the world
        List<SimulatedStep> live = new ArrayList<>();
        int wanted = newestFirst.size();
        int nextPoint = 0;
        for (Instant at = FROM; !at.isAfter(TO); at = at.plus(Duration.ofMinutes(STEP_MINUTES))) {
            while (nextPoint < DEMAND.size() && !DEMAND.get(nextPoint).at().isAfter(at)) {
                wanted = DEMAND.get(nextPoint++).sessions();
            }
            int rejected = placeDemand(wanted, ScalingSchedule.at(PLAN, at).orElseThrow().loadBalancer(), at);
            Decision<ScalingDecision> round = inventory.scalingRound()
                    .evaluate(POOL, at, () -> "command-" + commandIds.incrementAndGet()).orElseThrow();
            inventory.apply(round.changes());
            List<ScalingAction> published = carryOut(round.changes(), at);
            ScalingDecision decision = round.answer();
            assertThat(published).as("what was published at %s is what was decided", at)
                    .containsExactlyInAnyOrderElementsOf(withoutText(decision.actions()));
            live.add(new SimulatedStep(at, decision.phase(), decision.loadBalancer(), decision.capacity().onHosts(),
                    decision.capacity().availableHosts(), decision.capacity().liveSessions(), rejected,
                    decision.capacity().usedPct(), decision.actions()));
        }

        // then every step is the same, and the day exercised every kind of action
        assertThat(live).hasSameSizeAs(simulated);
        for (int i = 0; i < live.size(); i++) {
            SimulatedStep mine = live.get(i);
            SimulatedStep theirs = simulated.get(i);
            assertThat(mine).as("step %s", theirs.at()).usingRecursiveComparison().ignoringFields("actions")
                    .isEqualTo(theirs);
            // The order of one host's MESSAGE/LOGOFF actions follows its sessions' order, which is by id here and
            // by arrival in the dry run's fleet; the actions themselves must be the same.
            assertThat(mine.actions()).as("actions at %s", theirs.at())
                    .containsExactlyInAnyOrderElementsOf(theirs.actions());
        }
        Set<ScalingActionKind> kinds = EnumSet.noneOf(ScalingActionKind.class);
        simulated.forEach(step -> step.actions().forEach(action -> kinds.add(action.action())));
        assertThat(kinds).containsExactlyInAnyOrder(ScalingActionKind.values());
    }

    private void register(String hostId, Health health, List<String> tags) {
        inventory.apply(new Change.HostRegistered(new HostRegistration(1, hostId, POOL, FROM.minusSeconds(86_400),
                "token-" + hostId)));
        report(hostId, health, true, tags, FROM);
    }

    /** The host's agent (or its power controller) reports its health; drain and tags stay as they are. */
    private void report(String hostId, Health health, boolean allowNewSessions, List<String> tags, Instant at) {
        inventory.apply(new Change.HealthSaved(new HostHealthEvent(1, hostId, POOL, health, allowNewSessions, null,
                List.of(), at, List.of(), tags, null)));
    }

    private void liveSession(String sessionId, String hostId) {
        SessionEvent session = new SessionEvent(1, sessionId, "user-" + sessionId, POOL, hostId, SessionState.ACTIVE,
                FROM, FROM, null);
        inventory.onSession(session);
        newestFirst.push(session);
    }

    private void endSession(String sessionId) {
        inventory.onSession(new SessionEvent(1, sessionId, null, POOL, null, SessionState.ENDED, FROM, FROM, "LOGOFF"));
        newestFirst.removeIf(session -> session.sessionId().equals(sessionId));
    }

    /**
     * The broker: brings the pool's live sessions to {@code wanted} as the dry run's fleet does (the newest end
     * first; each new one on the eligible host with the fewest sessions, or the most for depth-first, ties by host
     * id); answers how many found no slot.
     */
    private int placeDemand(int wanted, LoadBalancer loadBalancer, Instant at) {
        while (newestFirst.size() > wanted) {
            endSession(newestFirst.peek().sessionId());
        }
        Comparator<HostView> byLoad = Comparator.comparingInt(HostView::sessions).thenComparing(HostView::hostId);
        int missing = wanted - newestFirst.size();
        int placed = 0;
        while (placed < missing) {
            TreeSet<HostView> eligible = new TreeSet<>(byLoad);
            ((Decision<List<HostView>>) inventory.hostsOf(POOL)).answer().stream()
                    .filter(host -> host.health() == Health.AVAILABLE && host.allowNewSessions()
                            && host.sessions() < MAX_SESSIONS)
                    .forEach(eligible::add);
            if (eligible.isEmpty()) {
                break;
            }
            HostView host = loadBalancer == LoadBalancer.DEPTH_FIRST ? eligible.last() : eligible.first();
            liveSession("simulated-" + (++nextSessionNumber), host.hostId());
            placed++;
        }
        return missing - placed;
    }

    /**
     * What the world does with the published changes: STOP shuts a host down, START brings it back available,
     * LOGOFF ends the session. Answers the actions as published (commands, and drains as host-health changes).
     */
    private List<ScalingAction> carryOut(List<Change> changes, Instant at) {
        List<ScalingAction> published = new ArrayList<>();
        for (Change change : changes) {
            if (change instanceof Change.HostCommandSent sent) {
                HostCommandEvent command = sent.command();
                HostView host = inventory.host(command.hostId()).orElseThrow();
                ScalingActionKind kind = ScalingActionKind.valueOf(command.command().name());
                published.add(new ScalingAction(command.at(), command.hostId(), kind, command.sessionId(), null, null));
                switch (command.command()) {
                    case START -> report(host.hostId(), Health.AVAILABLE, host.allowNewSessions(), host.tags(), at);
                    case STOP -> report(host.hostId(), Health.SHUTDOWN, host.allowNewSessions(), host.tags(), at);
                    case LOGOFF -> endSession(command.sessionId());
                    case MESSAGE -> {
                    }
                }
            } else if (change instanceof Change.HealthSaved saved) {
                HostHealthEvent snapshot = saved.snapshot();
                published.add(new ScalingAction(at, snapshot.hostId(), snapshot.allowNewSessions()
                        ? ScalingActionKind.UNDRAIN : ScalingActionKind.DRAIN, null, null, null));
            }
        }
        return published;
    }

    private static List<ScalingAction> withoutText(List<ScalingAction> actions) {
        return actions.stream().map(action -> new ScalingAction(action.at(), action.hostId(), action.action(),
                action.sessionId(), null, null)).toList();
    }
}
