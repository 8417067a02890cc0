package io.berth.inventory.domain;

import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.domain.scaling.PlanViolation;
import io.berth.inventory.domain.scaling.ScalerMemory;
import io.berth.inventory.domain.scaling.ScalingPlanRules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scaling plans (DESIGN.md 7.3) and what their scalers last published: each pool's phase record
 * ({@code scaling/{poolId}}) and scaler memory ({@code scalermemory/{poolId}}). Decides the plans' PUT and DELETE
 * with {@link ScalingPlanRules}; a pool that leaves its plan loses its phase record and memory, and the hosts its
 * scaler drained are undrained (the scaler only undoes what it did, and never leaves its drains behind).
 */
public final class ScalingPlans {

    /** The berth.config key prefix of a pool's scaler memory; inventory-internal (no other service reads it). */
    public static final String MEMORY_KEY_PREFIX = "scalermemory/";

    private final PoolCatalog catalog;
    private final HostDirectory hosts;
    private final HostAssignments assignments;
    private final Map<String, ScalingPlanConfig> plans = new TreeMap<>();
    private final Map<String, PoolScaling> scalingByPool = new TreeMap<>();
    private final Map<String, ScalerMemory> memoryByPool = new TreeMap<>();

    ScalingPlans(PoolCatalog catalog, HostDirectory hosts, HostAssignments assignments) {
        this.catalog = catalog;
        this.hosts = hosts;
        this.assignments = assignments;
    }

    public List<ScalingPlanConfig> plans() {
        return List.copyOf(plans.values());
    }

    public InventoryOutcome<ScalingPlanConfig> plan(String planId) {
        ScalingPlanConfig plan = plans.get(planId);
        return plan == null ? InventoryOutcome.notFound(unknownPlan(planId)) : InventoryOutcome.answer(plan);
    }

    /** The plan a pool is in, if any. */
    public Optional<ScalingPlanConfig> planOf(String poolId) {
        return plans.values().stream().filter(plan -> plan.hostPools().contains(poolId)).findFirst();
    }

    /** The pool's phase record as last published, if any. */
    public Optional<PoolScaling> scalingOf(String poolId) {
        return Optional.ofNullable(scalingByPool.get(poolId));
    }

    /** What the pool's scaler did before (empty for a pool it never acted on). */
    public ScalerMemory memoryOf(String poolId) {
        return memoryByPool.getOrDefault(poolId, ScalerMemory.empty());
    }

    /** Creates or replaces a plan; pools it no longer holds leave it. */
    public InventoryOutcome<ScalingPlanConfig> put(ScalingPlanConfig plan) {
        Optional<PlanViolation> violation = ScalingPlanRules.check(plan,
                poolId -> catalog.pool(poolId).map(HostPoolConfig::type),
                poolId -> plans.values().stream()
                        .filter(other -> !other.planId().equals(plan.planId()) && other.hostPools().contains(poolId))
                        .map(ScalingPlanConfig::planId).findFirst());
        if (violation.isPresent()) {
            return violation.get().kind() == PlanViolation.Kind.CONFLICT
                    ? InventoryOutcome.conflict(violation.get().detail())
                    : InventoryOutcome.invalid(violation.get().detail());
        }
        ScalingPlanConfig existing = plans.get(plan.planId());
        if (plan.equals(existing)) {
            return Decision.of(plan);
        }
        List<Change> changes = new ArrayList<>();
        changes.add(new Change.ScalingPlanChanged(plan.planId(), plan));
        if (existing != null) {
            Set<String> leaving = new HashSet<>(existing.hostPools());
            plan.hostPools().forEach(leaving::remove);
            leaving.stream().sorted().forEach(poolId -> changes.addAll(leave(poolId)));
        }
        return new Decision<>(changes, plan);
    }

    public InventoryOutcome<Void> delete(String planId) {
        ScalingPlanConfig existing = plans.get(planId);
        if (existing == null) {
            return InventoryOutcome.notFound(unknownPlan(planId));
        }
        List<Change> changes = new ArrayList<>();
        changes.add(new Change.ScalingPlanChanged(planId, null));
        existing.hostPools().forEach(poolId -> changes.addAll(leave(poolId)));
        return new Decision<>(changes, null);
    }

    /** A pool leaves its plan: its phase record and memory go, and its scaler's drains are undone. */
    private List<Change> leave(String poolId) {
        // The phase record is tombstoned even if this writer never saw one: a tombstone of nothing is harmless,
        // a phase record left behind would keep the broker on the plan's load balancer.
        List<Change> changes = new ArrayList<>();
        changes.add(new Change.PoolScalingChanged(poolId, null));
        ScalerMemory memory = memoryByPool.get(poolId);
        if (memory != null) {
            changes.add(new Change.ScalerMemoryChanged(poolId, null));
            memory.drained().keySet().stream().sorted().forEach(hostId -> undrain(hostId, poolId, changes));
        }
        return changes;
    }

    private void undrain(String hostId, String poolId, List<Change> changes) {
        boolean drained = hosts.registered(hostId).map(hosts::current)
                .filter(snapshot -> snapshot.poolId().equals(poolId))
                .map(HostHealthEvent::allowNewSessions).map(allow -> !allow).orElse(false);
        if (drained && assignments.patch(hostId, new HostPatch(true, false, null)) instanceof Decision<HostView> patch) {
            changes.addAll(patch.changes());
        }
    }

    /** Applies a change of a plan, a phase record or a scaler memory; false for a change of anything else. */
    boolean apply(Change change) {
        if (change instanceof Change.ScalingPlanChanged changed) {
            putOrRemove(plans, changed.planId(), changed.plan());
        } else if (change instanceof Change.PoolScalingChanged changed) {
            putOrRemove(scalingByPool, changed.poolId(), changed.scaling());
        } else if (change instanceof Change.ScalerMemoryChanged changed) {
            putOrRemove(memoryByPool, changed.poolId(), changed.memory());
        } else {
            // A command lives on berth.host-commands only: the inventory keeps no state of it.
            return change instanceof Change.HostCommandSent;
        }
        return true;
    }

    private static <V> void putOrRemove(Map<String, V> map, String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** Why a pool in a plan cannot be deleted or turn personal. */
    static String inPlan(String poolId, ScalingPlanConfig plan) {
        return "pool '" + poolId + "' is in scaling plan '" + plan.planId() + "'; remove it from the plan first";
    }

    static String unknownPlan(String planId) {
        return "scaling plan '" + planId + "' does not exist";
    }
}
