package io.berth.inventory.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.domain.scaling.HostFacts;
import io.berth.inventory.domain.scaling.ScalingAction;
import io.berth.inventory.domain.scaling.ScalingDecision;
import io.berth.inventory.domain.scaling.ScalingInput;
import io.berth.inventory.domain.scaling.ScalingPolicy;
import io.berth.inventory.domain.scaling.ScalingSimulation;
import io.berth.inventory.domain.scaling.SessionFact;
import io.berth.inventory.domain.scaling.SimulationRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One evaluation of a pool's scaling plan against the inventory as it is: the facts {@link ScalingPolicy#decide}
 * takes (hosts with health, drain flag, tags and live sessions; the scaler's memory), and the changes that carry
 * out its decision — commands on {@code berth.host-commands}, drains as the same host-health change an admin's
 * PATCH makes, the pool's phase record when its phase or load balancer changes, and the updated memory. The
 * live scaler publishes these changes in one writer transaction; a replay of them rebuilds the same state.
 */
public final class ScalingRound {

    private final PoolCatalog catalog;
    private final HostDirectory hosts;
    private final SessionCounts sessions;
    private final HostAssignments assignments;
    private final ScalingPlans plans;

    ScalingRound(PoolCatalog catalog, HostDirectory hosts, SessionCounts sessions, HostAssignments assignments,
                 ScalingPlans plans) {
        this.catalog = catalog;
        this.hosts = hosts;
        this.sessions = sessions;
        this.assignments = assignments;
        this.plans = plans;
    }

    /** The pool's hosts as the scaling decision sees them, in host-id order. */
    public List<HostFacts> hostFacts(String poolId) {
        List<HostFacts> facts = new ArrayList<>();
        for (HostDirectory.HostEntry entry : hosts.hostsIn(poolId)) {
            HostHealthEvent snapshot = hosts.current(entry);
            List<SessionFact> live = sessions.liveSessionsOn(snapshot.hostId()).entrySet().stream()
                    .map(session -> new SessionFact(session.getKey(), session.getValue())).toList();
            facts.add(new HostFacts(snapshot.hostId(), snapshot.health(), healthSince(entry, snapshot),
                    snapshot.allowNewSessions(), snapshot.tags(), live));
        }
        return facts;
    }

    /**
     * Since when the host has had its health, where the decision needs it: a silent host since its last
     * heartbeat, a host that never reported since its registration.
     */
    private static Instant healthSince(HostDirectory.HostEntry entry, HostHealthEvent snapshot) {
        if (snapshot.health() == Health.NO_HEARTBEAT && snapshot.lastHeartbeat() != null) {
            return snapshot.lastHeartbeat();
        }
        if (snapshot.health() == Health.NO_HEARTBEAT || snapshot.health() == Health.UNAVAILABLE) {
            return entry.registration.registeredAt();
        }
        return null;
    }

    /** What the decision takes for a pooled pool in a plan, now; empty for a pool in no plan (or gone). */
    public Optional<ScalingInput> input(String poolId, Instant now) {
        Optional<ScalingPlanConfig> plan = plans.planOf(poolId);
        Optional<HostPoolConfig> pool = catalog.pool(poolId).filter(found -> found.type() == PoolType.POOLED);
        if (plan.isEmpty() || pool.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ScalingInput(plan.get(), poolId, pool.get().maxSessionsPerHost(), hostFacts(poolId),
                plans.memoryOf(poolId), now));
    }

    /**
     * Evaluates the pool's plan now: the decision, with the changes that carry it out. Empty for a pool in no
     * plan. {@code commandIds} names each command sent.
     */
    public Optional<Decision<ScalingDecision>> evaluate(String poolId, Instant now, Supplier<String> commandIds) {
        return input(poolId, now).map(input -> {
            ScalingDecision decision = ScalingPolicy.decide(input);
            return new Decision<>(changes(input, decision, commandIds), decision);
        });
    }

    /** The pool's scaling now, by the same decision the scaler takes; not found for a pool in no plan. */
    public InventoryOutcome<ScalingStatus> status(String poolId, Instant now) {
        Optional<ScalingInput> input = input(poolId, now);
        if (input.isEmpty()) {
            return InventoryOutcome.notFound(catalog.pool(poolId).isEmpty() ? PoolCatalog.unknownPool(poolId)
                    : "host pool '" + poolId + "' is in no scaling plan");
        }
        ScalingDecision decision = ScalingPolicy.decide(input.get());
        return InventoryOutcome.answer(new ScalingStatus(input.get().plan().planId(), decision.scheduleName(),
                decision.phase(), decision.loadBalancer(), decision.capacity(),
                input.get().memory().recentActions().stream().map(ScalingStatus.ActionView::of).toList()));
    }

    /** A dry run of a plan over one of its pools, from the pool's hosts as they are now. */
    public InventoryOutcome<ScalingSimulationRun> simulation(String planId, SimulationRequest request) {
        InventoryOutcome<ScalingPlanConfig> plan = plans.plan(planId);
        if (!(plan instanceof Decision<ScalingPlanConfig> found)) {
            return plan.map(none -> null);
        }
        if (request.poolId() == null || !found.answer().hostPools().contains(request.poolId())) {
            return InventoryOutcome.invalid("poolId '" + request.poolId() + "' is not a pool of scaling plan '"
                    + planId + "'");
        }
        Optional<String> invalid = ScalingSimulation.checkRequest(request);
        if (invalid.isPresent()) {
            return InventoryOutcome.invalid(invalid.get());
        }
        Optional<HostPoolConfig> pool = catalog.pool(request.poolId());
        if (pool.isEmpty()) {
            return InventoryOutcome.invalid(PoolCatalog.unknownPool(request.poolId()));
        }
        return InventoryOutcome.answer(new ScalingSimulationRun(found.answer(), pool.get().maxSessionsPerHost(),
                hostFacts(request.poolId()), request));
    }

    private List<Change> changes(ScalingInput input, ScalingDecision decision, Supplier<String> commandIds) {
        List<Change> changes = new ArrayList<>();
        for (ScalingAction action : decision.actions()) {
            switch (action.action()) {
                case START -> changes.add(command(action, HostCommandType.START, action.reason(), commandIds));
                case STOP -> changes.add(command(action, HostCommandType.STOP, action.reason(), commandIds));
                case MESSAGE -> changes.add(command(action, HostCommandType.MESSAGE, action.reason(), commandIds));
                case LOGOFF -> changes.add(command(action, HostCommandType.LOGOFF, EndReason.SCALING_LOGOFF.name(),
                        commandIds));
                case DRAIN -> drain(action.hostId(), false, changes);
                case UNDRAIN -> drain(action.hostId(), true, changes);
            }
        }
        PoolScaling published = plans.scalingOf(input.poolId()).orElse(null);
        boolean phaseChanged = published == null || published.phase() != decision.phase()
                || published.loadBalancer() != decision.loadBalancer()
                || !published.planId().equals(input.plan().planId());
        if (decision.phase() != null && phaseChanged) {
            changes.add(new Change.PoolScalingChanged(input.poolId(), new PoolScaling(PoolScaling.CURRENT_VERSION, input.poolId(),
                    input.plan().planId(), decision.phase(), decision.loadBalancer(), input.now())));
        }
        if (!decision.memory().equals(input.memory())) {
            changes.add(new Change.ScalerMemoryChanged(input.poolId(), decision.memory()));
        }
        return changes;
    }

    private static Change command(ScalingAction action, HostCommandType type, String reason, Supplier<String> ids) {
        return new Change.HostCommandSent(new HostCommandEvent(HostCommandEvent.CURRENT_VERSION, ids.get(),
                action.hostId(), type, action.sessionId(), action.message(), reason, action.at()));
    }

    /** A drain or undrain, as the admin's PATCH makes it (nothing when the host is gone or already so). */
    private void drain(String hostId, boolean allowNewSessions, List<Change> changes) {
        if (assignments.patch(hostId, new HostPatch(allowNewSessions, false, null)) instanceof Decision<HostView> patch) {
            changes.addAll(patch.changes());
        }
    }
}
