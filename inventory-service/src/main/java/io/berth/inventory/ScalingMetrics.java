package io.berth.inventory;

import io.berth.common.events.ScalingPhase;
import io.berth.inventory.domain.scaling.Capacity;
import io.berth.inventory.domain.scaling.ScalingAction;
import io.berth.inventory.domain.scaling.ScalingActionKind;
import io.berth.inventory.domain.scaling.ScalingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scaler's meters per pool of a plan: {@code berth_scaling_phase{pool,phase}} (1 for the current phase),
 * {@code berth_scaling_used_capacity_pct{pool}}, {@code berth_scaling_hosts{pool,state}} (managed, excluded, on,
 * available, starting), {@code berth_scaling_actions_total{pool,action}} (counted on the writer once published)
 * and {@code berth_scaling_evaluation_failures_total{pool}}. Gauges hold copies set on the event loop, because
 * Prometheus scrapes on another thread.
 */
final class ScalingMetrics {

    private static final List<String> HOST_STATES = List.of("managed", "excluded", "on", "available", "starting");

    /** One pool's meters and the values its gauges read. */
    private final class PoolMeters {
        final List<Meter> meters = new ArrayList<>();
        final Map<ScalingPhase, AtomicLong> phase = new EnumMap<>(ScalingPhase.class);
        final AtomicLong usedPct = new AtomicLong();
        final Map<String, AtomicLong> hosts = new HashMap<>();
        final Map<ScalingActionKind, Counter> actions = new EnumMap<>(ScalingActionKind.class);
        final Counter failures;

        PoolMeters(String poolId) {
            for (ScalingPhase value : ScalingPhase.values()) {
                phase.put(value, gauge("berth_scaling_phase", "1 for the pool's current scaling phase, else 0",
                        poolId, "phase", value.name()));
            }
            meters.add(Gauge.builder("berth_scaling_used_capacity_pct", usedPct, AtomicLong::get)
                    .description("Live sessions on managed hosts / slots of available hosts, in percent")
                    .tag("pool", poolId).register(registry));
            for (String state : HOST_STATES) {
                hosts.put(state, gauge("berth_scaling_hosts", "The pool's hosts as its scaling plan counts them",
                        poolId, "state", state));
            }
            for (ScalingActionKind kind : ScalingActionKind.values()) {
                Counter counter = Counter.builder("berth_scaling_actions_total")
                        .description("Actions the scaler published, by kind").tag("pool", poolId)
                        .tag("action", kind.name()).register(registry);
                actions.put(kind, counter);
                meters.add(counter);
            }
            failures = Counter.builder("berth_scaling_evaluation_failures_total")
                    .description("Evaluations of the pool's scaling plan that failed (skipped until the next one)")
                    .tag("pool", poolId).register(registry);
            meters.add(failures);
        }

        private AtomicLong gauge(String name, String description, String poolId, String tag, String value) {
            AtomicLong holder = new AtomicLong();
            meters.add(Gauge.builder(name, holder, AtomicLong::get).description(description).tag("pool", poolId)
                    .tag(tag, value).register(registry));
            return holder;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, PoolMeters> pools = new HashMap<>();

    ScalingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Keeps meters for exactly these pools (the pools of every plan). */
    void syncPools(Set<String> poolIds) {
        pools.keySet().removeIf(poolId -> {
            if (poolIds.contains(poolId)) {
                return false;
            }
            pools.get(poolId).meters.forEach(registry::remove);
            return true;
        });
        poolIds.forEach(poolId -> pools.computeIfAbsent(poolId, PoolMeters::new));
    }

    /** The pool's phase and capacity as a decision computed them. */
    void observed(String poolId, ScalingDecision decision) {
        PoolMeters meters = pools.computeIfAbsent(poolId, PoolMeters::new);
        meters.phase.forEach((phase, value) -> value.set(phase == decision.phase() ? 1 : 0));
        Capacity capacity = decision.capacity();
        meters.usedPct.set(capacity.usedPct());
        meters.hosts.get("managed").set(capacity.managedHosts());
        meters.hosts.get("excluded").set(capacity.excludedHosts());
        meters.hosts.get("on").set(capacity.onHosts());
        meters.hosts.get("available").set(capacity.availableHosts());
        meters.hosts.get("starting").set(capacity.startingHosts());
    }

    /** Actions of the pool's scaler that Kafka took. */
    void published(String poolId, List<ScalingAction> actions) {
        PoolMeters meters = pools.computeIfAbsent(poolId, PoolMeters::new);
        actions.forEach(action -> meters.actions.get(action.action()).increment());
    }

    void failed(String poolId) {
        pools.computeIfAbsent(poolId, PoolMeters::new).failures.increment();
    }
}
