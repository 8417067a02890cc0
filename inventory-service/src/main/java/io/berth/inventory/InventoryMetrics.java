package io.berth.inventory;

import io.berth.common.events.Health;
import io.berth.inventory.api.InventoryApi;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.PoolCapacity;
import io.berth.inventory.domain.PoolView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The inventory's meters: {@code berth_hosts{pool,health}} (one gauge per pool and health, read from the
 * inventory's running counts), {@code berth_pool_slots{pool}} and {@code berth_pool_free_slots{pool}} (a copy of
 * {@link Inventory#capacityByPool()} refreshed on the event loop, because Prometheus scrapes on another thread
 * and the inventory is not thread-safe), {@code berth_hosts_over_load_threshold{pool}} (the same way),
 * {@code berth_heartbeats_total}, {@code berth_registrations_total{outcome}},
 * {@code berth_inventory_writer} (1 on the writer).
 * Publish failures are counted by the producers as {@code berth_publish_failures_total}.
 */
final class InventoryMetrics implements InventoryApi.Counters {

    private final MeterRegistry registry;
    private final Inventory inventory;
    private final Counter heartbeats;
    private final Counter registrationsAccepted;
    private final Counter registrationsRejected;
    private final Map<String, List<Gauge>> hostGauges = new HashMap<>();
    /** Per pool: its slots and free slots, as last copied by {@link #refreshCapacity}. */
    private final Map<String, AtomicLong[]> capacity = new HashMap<>();
    private final Map<String, List<Gauge>> capacityGauges = new HashMap<>();

    InventoryMetrics(MeterRegistry registry, Inventory inventory, BooleanSupplier isWriter) {
        this.registry = registry;
        Gauge.builder("berth_inventory_writer", () -> isWriter.getAsBoolean() ? 1 : 0)
                .description("1 on the instance that holds the fenced writer role, else 0")
                .strongReference(true)
                .register(registry);
        this.inventory = inventory;
        this.heartbeats = Counter.builder("berth_heartbeats_total")
                .description("Agent heartbeats accepted").register(registry);
        this.registrationsAccepted = registrations("accepted");
        this.registrationsRejected = registrations("rejected");
    }

    private Counter registrations(String outcome) {
        return Counter.builder("berth_registrations_total").description("Agent registrations by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void heartbeatAccepted() {
        heartbeats.increment();
    }

    @Override
    public void registration(boolean accepted) {
        (accepted ? registrationsAccepted : registrationsRejected).increment();
    }

    /** Copies every pool's capacity for the gauges; registers the gauges of new pools and removes deleted ones'. */
    void refreshCapacity() {
        Map<String, PoolCapacity> current = inventory.capacityByPool();
        capacity.keySet().removeIf(poolId -> {
            if (current.containsKey(poolId)) {
                return false;
            }
            capacityGauges.remove(poolId).forEach(registry::remove);
            return true;
        });
        current.forEach((poolId, pool) -> {
            AtomicLong[] values = capacity.computeIfAbsent(poolId, this::registerCapacity);
            values[0].set(pool.slots());
            values[1].set(pool.free());
            values[2].set(pool.overLoadThreshold());
        });
    }

    private AtomicLong[] registerCapacity(String poolId) {
        AtomicLong slots = new AtomicLong();
        AtomicLong free = new AtomicLong();
        AtomicLong overLoad = new AtomicLong();
        capacityGauges.put(poolId, List.of(
                Gauge.builder("berth_pool_slots", slots, AtomicLong::get)
                        .description("Session slots on the pool's hosts that take new sessions (AVAILABLE, allowing"
                                + " new sessions); a personal pool's host is one slot")
                        .tag("pool", poolId).register(registry),
                Gauge.builder("berth_pool_free_slots", free, AtomicLong::get)
                        .description("Of berth_pool_slots, those without a live session (personal: without a user)")
                        .tag("pool", poolId).register(registry),
                Gauge.builder("berth_hosts_over_load_threshold", overLoad, AtomicLong::get)
                        .description("Running hosts of the pool whose last reported load is at or above one of the"
                                + " pool's load thresholds (they take no new session)")
                        .tag("pool", poolId).register(registry)));
        return new AtomicLong[]{slots, free, overLoad};
    }

    /** Adds the host gauges of new pools and removes those of deleted ones. */
    void syncPools() {
        Set<String> pools = inventory.pools().stream().map(PoolView::poolId).collect(Collectors.toSet());
        hostGauges.keySet().removeIf(poolId -> {
            if (pools.contains(poolId)) {
                return false;
            }
            hostGauges.get(poolId).forEach(registry::remove);
            return true;
        });
        for (String poolId : pools) {
            hostGauges.computeIfAbsent(poolId, id -> {
                List<Gauge> gauges = new ArrayList<>();
                for (Health health : Health.values()) {
                    gauges.add(Gauge.builder("berth_hosts", () -> inventory.hostCount(id, health))
                            .description("Registered session hosts by pool and health")
                            .tag("pool", id).tag("health", health.name())
                            .strongReference(true)
                            .register(registry));
                }
                return gauges;
            });
        }
    }
}
