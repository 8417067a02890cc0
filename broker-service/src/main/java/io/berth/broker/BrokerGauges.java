package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.HeartbeatSilenceWatch;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.domain.PoolIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.infinispan.Cache;
import org.infinispan.context.Flag;

/**
 * The broker node's state as gauges: its cache copies, its cluster view and partition, its placement mode, the
 * logons in progress per pool.
 */
final class BrokerGauges {

    private BrokerGauges() {
    }

    static void register(MeterRegistry registry, BrokerCaches caches, LocalIndex index,
                         HeartbeatSilenceWatch silence) {
        entries(registry, "pools", caches.pools());
        entries(registry, "appgroups", caches.appGroups());
        entries(registry, "hosts", caches.hosts());
        entries(registry, "seats", caches.seats());
        entries(registry, "idempotency", caches.idempotency());
        FunctionCounter.builder("berth_idempotency_evictions_total", caches, BrokerCaches::idempotencyEvictions)
                .description("Idempotency keys this node forgot before their ten minutes because the cache was full")
                .register(registry);
        Gauge.builder("berth_broker_cluster_members", caches, BrokerCaches::clusterSize)
                .description("Broker nodes in this node's Infinispan cluster view")
                .register(registry);
        Gauge.builder("berth_broker_partition_minority", caches, c -> c.isInMinority() ? 1 : 0)
                .description("1 while this node has no strict majority of its cluster's last stable membership")
                .register(registry);
        Gauge.builder("berth_broker_placement_degraded", silence, s -> s.isPlacingDegraded() ? 1 : 0)
                .description("1 while the heartbeat source is silent and this node places on last-known AVAILABLE"
                        + " hosts")
                .register(registry);
        index.forEachPool(pool -> Gauge.builder("berth_pending_sessions", pool, PoolIndex::pendingLogons)
                .description("Logons in progress in the pool (PENDING sessions and reservations), what"
                        + " maxConcurrentLogonsPerHost limits per host")
                .tag("pool", pool.poolId())
                .strongReference(true)
                .register(registry));
        Gauge.builder("berth_broker_unconfirmed_reservation_hosts", index,
                        i -> i.hostsWithUnconfirmedReservations().size())
                .description("Hosts holding reservations berth.sessions has not confirmed yet")
                .register(registry);
    }

    /** Counts the cache entries this node repaired to their primary owner's copy (see {@code PartitionWatch}). */
    static Counter replicasRepaired(MeterRegistry registry) {
        return Counter.builder("berth_broker_replicas_repaired_total")
                .description("Cache entries this node repaired to their primary owner's copy after a membership change")
                .register(registry);
    }

    private static void entries(MeterRegistry registry, String name, Cache<?, ?> cache) {
        Cache<?, ?> local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_CACHE_LOAD);
        // A strong reference: the flagged cache is a decorator nothing else holds, and a gauge's default weak
        // reference let it be collected, after which the gauge read NaN.
        Gauge.builder("berth_cache_entries", local, Cache::size)
                .description("Entries in the broker's replicated caches (this node's copy)")
                .tag("cache", name)
                .strongReference(true)
                .register(registry);
    }
}
