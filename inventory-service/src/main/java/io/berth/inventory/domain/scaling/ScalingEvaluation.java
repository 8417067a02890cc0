package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import io.berth.common.events.SessionState;
import io.berth.inventory.domain.scaling.ScalingSchedule.PhaseInForce;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The working state of one {@link ScalingPolicy} decision: which hosts are available as drains come and go, the
 * scaler's memory being updated, and the actions taken so far. Used once, then dropped.
 */
final class ScalingEvaluation {

    static final Duration STARTING_FOR = Duration.ofMinutes(10);
    private static final String DEFAULT_NOTIFICATION = "This desktop is shutting down soon: save your work and log off.";

    private final ScalingInput input;
    private final PhaseInForce phase;
    private final PoolFleet fleet;
    private final Instant now;
    private final CapacityRule rule;
    private final Map<String, Instant> startedAt = new HashMap<>();
    private final Map<String, DrainPurpose> drained = new TreeMap<>();
    private final Map<String, Instant> notifiedAt;
    private final Map<String, Instant> loggedOffAt;
    private final Set<String> available;
    private final Set<String> undrainedNow = new HashSet<>();
    private final List<ScalingAction> actions = new ArrayList<>();

    ScalingEvaluation(ScalingInput input, PhaseInForce phase) {
        this.input = input;
        this.phase = phase;
        this.now = input.now();
        this.fleet = new PoolFleet(input.hosts(), input.plan().exclusionTag(), now);
        this.rule = new CapacityRule(Math.max(1, input.maxSessionsPerHost()),
                phase == null ? 0 : CapacityRule.minimumHosts(phase.minimumHostsPct(), fleet.managedHosts()),
                phase == null ? 100 : phase.capacityThresholdPct());
        ScalerMemory memory = input.memory();
        memory.startedAt().forEach((hostId, at) -> {
            if (fleet.host(hostId) != null && now.isBefore(at.plus(STARTING_FOR))) {
                startedAt.put(hostId, at);
            }
        });
        memory.drained().forEach((hostId, purpose) -> {
            if (fleet.host(hostId) != null) {
                drained.put(hostId, purpose);
            }
        });
        this.notifiedAt = new HashMap<>(memory.notifiedAt());
        this.loggedOffAt = new HashMap<>(memory.loggedOffAt());
        this.available = new HashSet<>(fleet.hosts().size() * 2);
        for (HostFacts host : fleet.hosts()) {
            if (fleet.isServing(host) && host.allowNewSessions() && !drained.containsKey(host.hostId())) {
                available.add(host.hostId());
            }
        }
    }

    /** Lifts the scaler's drains that the decision no longer needs. */
    void undoDrainsNoLongerNeeded() {
        int hosts = available.size() + startingHosts();
        boolean rising = rule.needsMore(fleet.liveSessions(), hosts);
        for (Map.Entry<String, DrainPurpose> entry : new ArrayList<>(drained.entrySet())) {
            HostFacts host = fleet.host(entry.getKey());
            String why = null;
            if (!fleet.isManaged(host)) {
                why = "carries the exclusion tag: the scaler leaves it as it was before";
            } else if (host.health() == Health.SHUTDOWN) {
                why = "stopped: it takes sessions again once started";
            } else if (phase == null) {
                why = "no schedule in force";
            } else if (ScalingPolicy.isRampingUp(phase.phase())) {
                why = phase.phase() + ": no host stays drained in ramp-up or peak";
            } else if (rising && entry.getValue() == DrainPurpose.FORCED_LOGOFF) {
                why = "demand rose again: " + rule.shortfall(fleet.liveSessions(), hosts);
            }
            if (why != null) {
                undrain(host, why);
            }
        }
    }

    /** Starts shut-down managed hosts in host-id order while demand needs them; whether any was started. */
    boolean startHostsAsNeeded() {
        int live = fleet.liveSessions();
        int starting = startingHosts();
        if (!rule.needsMore(live, available.size() + starting)) {
            return false;
        }
        String why = rule.shortfall(live, available.size() + starting);
        boolean started = false;
        for (HostFacts host : fleet.hosts()) {
            if (!rule.needsMore(live, available.size() + starting)) {
                break;
            }
            if (isStartable(host)) {
                act(ScalingAction.onHost(now, host.hostId(), ScalingActionKind.START, why));
                startedAt.put(host.hostId(), now);
                starting++;
                started = true;
            }
        }
        return started;
    }

    /** Logs off the hosts the scaler is emptying and stops the first one that emptied; whether it stopped one. */
    boolean carryOnDrains() {
        boolean stopped = false;
        for (String hostId : new ArrayList<>(drained.keySet())) {
            if (drained.get(hostId) == DrainPurpose.FORCED_LOGOFF) {
                stopped |= carryOn(fleet.host(hostId), !stopped);
            }
        }
        return stopped;
    }

    /** Drains one host that holds no session blocking a stop, if the pool can do without it; whether it did. */
    boolean drainOneHostToStop() {
        int hostsAfter = available.size() + startingHosts() - 1;
        if (!rule.allows(fleet.liveSessions(), hostsAfter)) {
            return false;
        }
        boolean zeroActive = phase.stopRules().stopHostsWhen() == StopHostsWhen.ZERO_ACTIVE_SESSIONS;
        HostFacts best = null;
        for (HostFacts host : fleet.hosts()) {
            int blocking = zeroActive ? fleet.activeOrPending(host) : fleet.live(host);
            if (available.contains(host.hostId()) && blocking == 0
                    && (best == null || fleet.live(host) < fleet.live(best))) {
                best = host;
            }
        }
        if (best == null) {
            return false;
        }
        String why = "not needed: " + rule.sufficiency(fleet.liveSessions(), hostsAfter) + " without it";
        drain(best, why);
        if (fleet.live(best) == 0) {
            act(ScalingAction.onHost(now, best.hostId(), ScalingActionKind.STOP, "empty and " + why));
            drained.put(best.hostId(), DrainPurpose.STOP);
        } else {
            drained.put(best.hostId(), DrainPurpose.FORCED_LOGOFF);
            carryOn(best, true);
        }
        return true;
    }

    /** Drains the least-loaded available host and warns its users, if the pool can do with one host fewer. */
    void drainOneHostForForcedLogoff() {
        int hostsAfter = available.size() + startingHosts() - 1;
        if (!rule.allows(fleet.liveSessions(), hostsAfter)) {
            return;
        }
        HostFacts best = null;
        for (HostFacts host : fleet.hosts()) {
            if (available.contains(host.hostId())
                    && (best == null || fleet.live(host) < fleet.live(best))) {
                best = host;
            }
        }
        if (best == null) {
            return;
        }
        int wait = phase.stopRules().waitTimeMinutes();
        drain(best, "forced logoff: " + rule.sufficiency(fleet.liveSessions(), hostsAfter) + " with one host fewer");
        drained.put(best.hostId(), DrainPurpose.FORCED_LOGOFF);
        notifiedAt.put(best.hostId(), now);
        String message = phase.stopRules().notificationMessage() == null ? DEFAULT_NOTIFICATION
                : phase.stopRules().notificationMessage();
        for (SessionFact session : best.sessions()) {
            if (session.state().isLive()) {
                act(new ScalingAction(now, best.hostId(), ScalingActionKind.MESSAGE, session.sessionId(), message,
                        "forced logoff in " + wait + " minutes"));
            }
        }
        carryOn(best, true);
    }

    ScalingDecision decision(String scheduleName, ScalingPhase phaseNow, LoadBalancer loadBalancer) {
        if (!loggedOffAt.isEmpty()) {
            Set<String> liveSessionIds = new HashSet<>();
            for (HostFacts host : fleet.hosts()) {
                for (SessionFact session : host.sessions()) {
                    if (session.state().isLive()) {
                        liveSessionIds.add(session.sessionId());
                    }
                }
            }
            loggedOffAt.keySet().retainAll(liveSessionIds);
        }
        notifiedAt.keySet().retainAll(drained.keySet());
        List<ScalingAction> recent = new ArrayList<>(actions);
        Collections.reverse(recent);
        recent.addAll(input.memory().recentActions());
        ScalerMemory memory = new ScalerMemory(startedAt, drained, notifiedAt, loggedOffAt, phaseNow,
                recent.subList(0, Math.min(ScalerMemory.RECENT_ACTIONS, recent.size())));
        int live = fleet.liveSessions();
        int managed = fleet.managedHosts();
        Capacity capacity = new Capacity(managed, fleet.hosts().size() - managed, fleet.onHosts(), available.size(),
                startingHosts(), live, rule.usedPct(live, available.size()), rule.thresholdPct(), rule.minimumHosts());
        return new ScalingDecision(scheduleName, phaseNow, loadBalancer, capacity, actions, memory);
    }

    /**
     * One emptying host: stopped once empty (if {@code mayStop}: one stop per evaluation), else its sessions logged
     * off when due; whether it was stopped.
     */
    private boolean carryOn(HostFacts host, boolean mayStop) {
        if (fleet.live(host) == 0) {
            if (!mayStop || host.health() != Health.AVAILABLE || !fleet.isOn(host)) {
                return false;
            }
            act(ScalingAction.onHost(now, host.hostId(), ScalingActionKind.STOP, "emptied after its drain"));
            drained.put(host.hostId(), DrainPurpose.STOP);
            notifiedAt.remove(host.hostId());
            return true;
        }
        Instant notified = notifiedAt.get(host.hostId());
        if (notified != null) {
            int wait = phase.stopRules().waitTimeMinutes();
            if (!now.isBefore(notified.plus(Duration.ofMinutes(wait)))) {
                logOff(host, null, "forced logoff: " + wait + " minutes after the warning");
            }
        } else if (hasActiveSessionNotLoggedOff(host)) {
            undrain(host, "a user is active on it again");
        } else {
            logOff(host, SessionState.DISCONNECTED, "ZERO_ACTIVE_SESSIONS: disconnected sessions end before the host stops");
        }
        return false;
    }

    private boolean hasActiveSessionNotLoggedOff(HostFacts host) {
        return host.sessions().stream().anyMatch(s -> (s.state() == SessionState.ACTIVE
                || s.state() == SessionState.PENDING) && !loggedOffAt.containsKey(s.sessionId()));
    }

    /** Sends a LOGOFF, once, to each live session of the host ({@code onlyState}: of that state only). */
    private void logOff(HostFacts host, SessionState onlyState, String why) {
        for (SessionFact session : host.sessions()) {
            if (session.state().isLive() && (onlyState == null || session.state() == onlyState)
                    && !loggedOffAt.containsKey(session.sessionId())) {
                act(new ScalingAction(now, host.hostId(), ScalingActionKind.LOGOFF, session.sessionId(), null, why));
                loggedOffAt.put(session.sessionId(), now);
            }
        }
    }

    private void drain(HostFacts host, String why) {
        act(ScalingAction.onHost(now, host.hostId(), ScalingActionKind.DRAIN, why));
        available.remove(host.hostId());
    }

    private void undrain(HostFacts host, String why) {
        act(ScalingAction.onHost(now, host.hostId(), ScalingActionKind.UNDRAIN, why));
        drained.remove(host.hostId());
        notifiedAt.remove(host.hostId());
        undrainedNow.add(host.hostId());
        if (fleet.isServing(host)) {
            available.add(host.hostId());
        }
    }

    private boolean isStartable(HostFacts host) {
        return fleet.isManaged(host) && host.health() == Health.SHUTDOWN
                && (host.allowNewSessions() || undrainedNow.contains(host.hostId()))
                && !drained.containsKey(host.hostId()) && !startedAt.containsKey(host.hostId());
    }

    /** Managed hosts the scaler started within the last 10 minutes that are not available yet. */
    private int startingHosts() {
        int starting = 0;
        for (String hostId : startedAt.keySet()) {
            if (fleet.isManaged(fleet.host(hostId)) && !available.contains(hostId)) {
                starting++;
            }
        }
        return starting;
    }

    private void act(ScalingAction action) {
        actions.add(action);
    }
}
