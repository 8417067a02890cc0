package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.events.SessionState;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Plans, hosts and instants the scaling tests share: one UTC schedule on every day, a Monday to run on. */
final class ScalingFixtures {

    static final String POOL = "pool-1";
    static final int MAX_SESSIONS = 10;
    /** A Monday, midnight UTC. */
    static final Instant MONDAY = Instant.parse("2026-11-30T00:00:00Z");
    static final Instant RAMP_UP_TIME = at("07:30");
    static final Instant PEAK_TIME = at("12:00");
    static final Instant RAMP_DOWN_TIME = at("18:30");
    static final Instant OFF_PEAK_TIME = at("22:00");

    private ScalingFixtures() {
    }

    static Instant at(String hhmm) {
        String[] parts = hhmm.split(":");
        return MONDAY.plus(Duration.ofHours(Integer.parseInt(parts[0])).plusMinutes(Integer.parseInt(parts[1])));
    }

    static RampUp rampUp(int minimumHostsPct, int capacityThresholdPct) {
        return new RampUp("07:00", LoadBalancer.BREADTH_FIRST, minimumHostsPct, capacityThresholdPct);
    }

    static RampDown rampDown(int minimumHostsPct, int capacityThresholdPct) {
        return new RampDown("18:00", LoadBalancer.DEPTH_FIRST, minimumHostsPct, capacityThresholdPct, false, 30,
                "Save your work", StopHostsWhen.ZERO_SESSIONS);
    }

    static RampDown forcedLogoff(int minimumHostsPct, int capacityThresholdPct, int waitTimeMinutes) {
        return new RampDown("18:00", LoadBalancer.DEPTH_FIRST, minimumHostsPct, capacityThresholdPct, true,
                waitTimeMinutes, "Save your work", StopHostsWhen.ZERO_SESSIONS);
    }

    static RampDown zeroActive(int minimumHostsPct, int capacityThresholdPct) {
        return new RampDown("18:00", LoadBalancer.DEPTH_FIRST, minimumHostsPct, capacityThresholdPct, false, 30,
                "Save your work", StopHostsWhen.ZERO_ACTIVE_SESSIONS);
    }

    static Schedule schedule(String name, List<DayOfWeek> days, RampUp rampUp, RampDown rampDown) {
        return new Schedule(name, days, rampUp, new Phase("09:00", LoadBalancer.DEPTH_FIRST), rampDown,
                new Phase("20:00", LoadBalancer.BREADTH_FIRST));
    }

    static ScalingPlanConfig plan(RampUp rampUp, RampDown rampDown) {
        return plan(rampUp, rampDown, null);
    }

    static ScalingPlanConfig plan(RampUp rampUp, RampDown rampDown, String exclusionTag) {
        return new ScalingPlanConfig(0, "plan-1", "UTC", List.of(POOL), exclusionTag,
                List.of(schedule("every-day", List.copyOf(EnumSet.allOf(DayOfWeek.class)), rampUp, rampDown)));
    }

    /** Ramp-up 20 % / 60 %, ramp-down 10 % / 90 %, as DESIGN.md's example. */
    static ScalingPlanConfig examplePlan() {
        return plan(rampUp(20, 60), rampDown(10, 90));
    }

    static HostFacts available(String hostId, SessionState... sessions) {
        return host(hostId, Health.AVAILABLE, true, List.of(), sessions);
    }

    static HostFacts withActive(String hostId, int active) {
        SessionState[] states = new SessionState[active];
        java.util.Arrays.fill(states, SessionState.ACTIVE);
        return available(hostId, states);
    }

    static HostFacts shutdown(String hostId) {
        return host(hostId, Health.SHUTDOWN, true, List.of());
    }

    static HostFacts host(String hostId, Health health, boolean allowNewSessions, List<String> tags,
                          SessionState... sessions) {
        List<SessionFact> facts = new ArrayList<>();
        for (int i = 0; i < sessions.length; i++) {
            facts.add(new SessionFact(hostId + "/s" + i, sessions[i]));
        }
        return new HostFacts(hostId, health, MONDAY.minus(Duration.ofDays(1)), allowNewSessions, tags, facts);
    }

    static HostFacts adminDrained(HostFacts host) {
        return new HostFacts(host.hostId(), host.health(), host.healthSince(), false, host.tags(), host.sessions());
    }

    /** The host as the scaler's own DRAIN left it. */
    static HostFacts drainedByScaler(HostFacts host) {
        return adminDrained(host);
    }

    static HostFacts tagged(HostFacts host, String tag) {
        return new HostFacts(host.hostId(), host.health(), host.healthSince(), host.allowNewSessions(), List.of(tag),
                host.sessions());
    }

    static HostFacts since(HostFacts host, Instant healthSince) {
        return new HostFacts(host.hostId(), host.health(), healthSince, host.allowNewSessions(), host.tags(),
                host.sessions());
    }

    static ScalingDecision decide(ScalingPlanConfig plan, List<HostFacts> hosts, ScalerMemory memory, Instant now) {
        return ScalingPolicy.decide(new ScalingInput(plan, POOL, MAX_SESSIONS, hosts, memory, now));
    }

    static ScalingDecision decide(ScalingPlanConfig plan, List<HostFacts> hosts, Instant now) {
        return decide(plan, hosts, ScalerMemory.empty(), now);
    }

    static List<String> hostsActedOn(ScalingDecision decision, ScalingActionKind kind) {
        return decision.actions().stream().filter(a -> a.action() == kind).map(ScalingAction::hostId).toList();
    }

    static List<String> sessionsActedOn(ScalingDecision decision, ScalingActionKind kind) {
        return decision.actions().stream().filter(a -> a.action() == kind).map(ScalingAction::sessionId).toList();
    }
}
