package io.berth.broker.cache;

import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.HeartbeatSource;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.PhaseBalancer;
import io.berth.broker.domain.PlacementView;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This node's read side: the pool indexes ordered by load, kept in step with the replicated caches by their
 * change events (every node sees every entry's events in a replicated cache), so that a placement decision
 * reads local memory only. Also tracks the reservations not yet confirmed by {@code berth.sessions}, for
 * {@link ReservationSweeper}.
 */
public final class LocalIndex implements PlacementView {

    private final LongSupplier clock;
    private final HeartbeatSource source;
    private final Map<String, PoolIndex> pools = new ConcurrentHashMap<>();
    private final Map<String, String> poolOfHost = new ConcurrentHashMap<>();
    private final Map<String, HostEntry> unconfirmedByHost = new ConcurrentHashMap<>();
    private final Map<String, AppGroupAccess> appGroups = new ConcurrentHashMap<>();
    private Cache<String, UserSeat> seats;
    private volatile Consumer<PoolIndex> newPool = pool -> { };

    public LocalIndex(LongSupplier clock) {
        this(clock, HeartbeatSource.STRICT);
    }

    /** @param source the heartbeat source shared by every pool (degraded placement while it is silent) */
    public LocalIndex(LongSupplier clock, HeartbeatSource source) {
        this.clock = clock;
        this.source = source;
    }

    /** Whether any pool places on its last-known hosts now, because the heartbeat source is silent. */
    public boolean isPlacingDegraded() {
        long now = clock.getAsLong();
        for (PoolIndex pool : pools.values()) {
            if (pool.isPlacingDegraded(now)) {
                return true;
            }
        }
        return false;
    }

    /** Indexes every pool's hosts again (once, when the heartbeat source went silent). */
    public void reindex() {
        pools.values().forEach(PoolIndex::reindex);
    }

    public HeartbeatSource heartbeatSource() {
        return source;
    }

    /**
     * Starts following the caches: listeners first, then what the caches already hold (received from the
     * cluster when this node joined) is indexed, so nothing falls between the two. A host seen twice is
     * settled by its revision.
     */
    public void follow(BrokerCaches caches) {
        this.seats = caches.seats();
        caches.appGroups().addListener(new AppGroupListener());
        caches.pools().addListener(new PoolListener());
        caches.hosts().addListener(new HostListener());
        caches.scaling().addListener(new ScalingListener());
        local(caches.pools()).forEach((poolId, policy) -> poolIndex(poolId).configure(policy));
        local(caches.scaling()).forEach((poolId, phase) -> poolIndex(poolId).balanceBy(phase.loadBalancer()));
        local(caches.appGroups()).forEach(appGroups::putIfAbsent);
        local(caches.hosts()).forEach((hostId, host) -> hostChanged(host));
    }

    /**
     * Takes every entry of this node's copy as it is now, whatever revision the index held: after a partition
     * merged, the majority's entries replaced this node's, and a replaced entry may carry a lower revision than
     * the one indexed here (both sides counted on). Entries gone from the copy leave the index.
     */
    public void resync(BrokerCaches caches) {
        Map<String, PoolPolicy> policies = local(caches.pools());
        policies.forEach((poolId, policy) -> poolIndex(poolId).configure(policy));
        for (Map.Entry<String, PoolIndex> pool : pools.entrySet()) {
            if (!policies.containsKey(pool.getKey())) {
                pool.getValue().unconfigure();
            }
        }
        Map<String, PhaseBalancer> phases = local(caches.scaling());
        phases.forEach((poolId, phase) -> poolIndex(poolId).balanceBy(phase.loadBalancer()));
        pools.forEach((poolId, pool) -> {
            if (!phases.containsKey(poolId)) {
                pool.balanceBy(null);
            }
        });
        Map<String, AppGroupAccess> groups = local(caches.appGroups());
        appGroups.putAll(groups);
        appGroups.keySet().retainAll(groups.keySet());
        Map<String, HostEntry> hosts = local(caches.hosts());
        for (String hostId : new ArrayList<>(poolOfHost.keySet())) {
            if (!hosts.containsKey(hostId)) {
                hostRemoved(hostId);
            }
        }
        hosts.values().forEach(host -> hostChanged(host, true));
    }

    private static <V> Map<String, V> local(Cache<String, V> cache) {
        Map<String, V> copy = new HashMap<>();
        for (Map.Entry<String, V> entry : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
            copy.put(entry.getKey(), entry.getValue());
        }
        return copy;
    }

    @Override
    public Optional<AppGroupAccess> appGroup(String appGroupId) {
        return Optional.ofNullable(appGroups.get(appGroupId));
    }

    @Override
    public Optional<PoolIndex> pool(String poolId) {
        return Optional.ofNullable(pools.get(poolId));
    }

    @Override
    public Optional<UserSeat> seat(String poolId, String userId) {
        return Optional.ofNullable(seats.get(UserSeat.key(poolId, userId)));
    }

    /** Every application group (there are few; the resources feed filters them per user). */
    public Iterable<AppGroupAccess> appGroups() {
        return appGroups.values();
    }

    /** Hosts holding reservations that {@code berth.sessions} has not confirmed yet. */
    public Map<String, HostEntry> hostsWithUnconfirmedReservations() {
        return unconfirmedByHost;
    }

    public int poolCount() {
        return pools.size();
    }

    public int hostCount() {
        return poolOfHost.size();
    }

    /** Calls {@code action} for every pool indexed now and, from then on, for each pool when it is first seen. */
    public synchronized void forEachPool(Consumer<PoolIndex> action) {
        Consumer<PoolIndex> before = newPool;
        newPool = pool -> {
            before.accept(pool);
            action.accept(pool);
        };
        pools.values().forEach(action);
    }

    private PoolIndex poolIndex(String poolId) {
        PoolIndex known = pools.get(poolId);
        return known != null ? known : created(poolId);
    }

    private synchronized PoolIndex created(String poolId) {
        PoolIndex[] made = new PoolIndex[1];
        PoolIndex pool = pools.computeIfAbsent(poolId, id -> made[0] = new PoolIndex(id, clock, source));
        if (made[0] != null) {
            newPool.accept(pool);
        }
        return pool;
    }

    void hostChanged(HostEntry host) {
        hostChanged(host, false);
    }

    private void hostChanged(HostEntry host, boolean replace) {
        String poolId = host.poolId() == null ? "" : host.poolId();
        String previousPool = poolOfHost.put(host.hostId(), poolId);
        if (previousPool != null && !previousPool.equals(poolId)) {
            // Re-registered into another pool.
            pool(previousPool).ifPresent(index -> index.remove(host.hostId()));
        }
        if (replace) {
            poolIndex(poolId).replace(host);
        } else {
            poolIndex(poolId).upsert(host);
        }
        boolean unconfirmed = false;
        for (SlotHolder holder : host.slots()) {
            unconfirmed |= holder.isUnconfirmed();
        }
        boolean hasUnconfirmed = unconfirmed;
        // Events of one host may be handled on two threads at once: the higher revision wins.
        unconfirmedByHost.compute(host.hostId(), (hostId, known) ->
                !replace && known != null && known.revision() > host.revision() ? known : hasUnconfirmed ? host : null);
    }

    void hostRemoved(String hostId) {
        String poolId = poolOfHost.remove(hostId);
        if (poolId != null) {
            pool(poolId).ifPresent(index -> index.remove(hostId));
        }
        unconfirmedByHost.remove(hostId);
    }

    /** Application groups, kept as a local map: every connect reads one. */
    @Listener(observation = Listener.Observation.POST)
    public final class AppGroupListener {
        @CacheEntryCreated
        @CacheEntryModified
        public void changed(CacheEntryEvent<String, AppGroupAccess> event) {
            if (event.getValue() != null) {
                appGroups.put(event.getKey(), event.getValue());
            }
        }

        @CacheEntryRemoved
        public void removed(CacheEntryRemovedEvent<String, AppGroupAccess> event) {
            appGroups.remove(event.getKey());
        }
    }

    /** Pool configs: a new limit or balancing re-indexes the pool's hosts. */
    @Listener(observation = Listener.Observation.POST)
    public final class PoolListener {
        @CacheEntryCreated
        @CacheEntryModified
        public void changed(CacheEntryEvent<String, PoolPolicy> event) {
            if (event.getValue() != null) {
                poolIndex(event.getKey()).configure(event.getValue());
            }
        }

        @CacheEntryRemoved
        public void removed(CacheEntryRemovedEvent<String, PoolPolicy> event) {
            pool(event.getKey()).ifPresent(PoolIndex::unconfigure);
        }
    }

    /** Scaling phases: the phase's load balancer, while the pool is in a plan; the pool's own once removed. */
    @Listener(observation = Listener.Observation.POST)
    public final class ScalingListener {
        @CacheEntryCreated
        @CacheEntryModified
        public void changed(CacheEntryEvent<String, PhaseBalancer> event) {
            if (event.getValue() != null) {
                poolIndex(event.getKey()).balanceBy(event.getValue().loadBalancer());
            }
        }

        @CacheEntryRemoved
        public void removed(CacheEntryRemovedEvent<String, PhaseBalancer> event) {
            pool(event.getKey()).ifPresent(index -> index.balanceBy(null));
        }
    }

    /** Host entries: health and slots move a host between load buckets. */
    @Listener(observation = Listener.Observation.POST)
    public final class HostListener {
        @CacheEntryCreated
        @CacheEntryModified
        public void changed(CacheEntryEvent<String, HostEntry> event) {
            if (event.getValue() != null) {
                hostChanged(event.getValue());
            }
        }

        @CacheEntryRemoved
        public void removed(CacheEntryRemovedEvent<String, HostEntry> event) {
            hostRemoved(event.getKey());
        }
    }
}
