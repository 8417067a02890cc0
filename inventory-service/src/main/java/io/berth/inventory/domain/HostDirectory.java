package io.berth.inventory.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.PoolType;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The registered hosts: each one's registration (berth.config), health snapshot (berth.host-health) and last
 * sign of life, with the count of hosts per pool and health that the {@code berth_hosts} gauge reads.
 */
final class HostDirectory {

    /** A host as known from its registration and its snapshot; either may be missing while the other is not. */
    static final class HostEntry {
        HostRegistration registration;
        HostHealthEvent snapshot;
        /** The last sign of life: heartbeat, registration, or replayed snapshot. In memory only. */
        Instant lastContact;
    }

    private final Map<String, HostEntry> hosts = new TreeMap<>();
    /** Read by the metrics scrape on another thread, hence concurrent. */
    private final Map<String, EnumMap<Health, Integer>> counts = new ConcurrentHashMap<>();
    private final PoolCatalog catalog;
    private final SessionCounts sessions;

    HostDirectory(PoolCatalog catalog, SessionCounts sessions) {
        this.catalog = catalog;
        this.sessions = sessions;
    }

    /** The host's entry, registered or not (a snapshot may outlive a registration during a replay). */
    Optional<HostEntry> entry(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    Optional<HostEntry> registered(String hostId) {
        return entry(hostId).filter(entry -> entry.registration != null);
    }

    List<HostEntry> registeredHosts() {
        return hosts.values().stream().filter(entry -> entry.registration != null).toList();
    }

    List<HostEntry> hostsIn(String poolId) {
        return hosts.values().stream()
                .filter(entry -> entry.registration != null && entry.registration.poolId().equals(poolId))
                .toList();
    }

    Optional<String> hostOfUser(String poolId, String userId) {
        return hostsIn(poolId).stream().map(this::current).filter(snapshot -> userId.equals(snapshot.assignedUser()))
                .map(HostHealthEvent::hostId).findFirst();
    }

    int count(String poolId, Health health) {
        EnumMap<Health, Integer> byHealth = counts.get(poolId);
        return byHealth == null ? 0 : byHealth.getOrDefault(health, 0);
    }

    /** The snapshot of a registered host: the published one, or a fresh one for a host new to its pool. */
    HostHealthEvent current(HostEntry entry) {
        if (isPublished(entry)) {
            return entry.snapshot;
        }
        HostRegistration registration = entry.registration;
        return fresh(registration.hostId(), registration.poolId(), entry);
    }

    /** The first snapshot of a host in a pool: it keeps only the time of its last heartbeat, if any. */
    static HostHealthEvent fresh(String hostId, String poolId, HostEntry existing) {
        Instant lastHeartbeat = existing == null || existing.snapshot == null ? null : existing.snapshot.lastHeartbeat();
        return new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, hostId, poolId, HostHealthMachine.registered(),
                true, null, List.of(), lastHeartbeat, List.of());
    }

    /** Whether the host's snapshot on berth.host-health belongs to its current registration's pool. */
    static boolean isPublished(HostEntry entry) {
        return entry.snapshot != null && entry.registration != null
                && entry.snapshot.poolId().equals(entry.registration.poolId());
    }

    HostView view(HostEntry entry) {
        return view(current(entry));
    }

    HostView view(HostHealthEvent snapshot) {
        int maxSessions = catalog.pool(snapshot.poolId()).map(HostPoolConfig::maxSessionsPerHost).orElse(0);
        return new HostView(snapshot.hostId(), snapshot.poolId(), snapshot.health(), snapshot.allowNewSessions(),
                snapshot.assignedUser(), sessions.liveOn(snapshot.hostId()), maxSessions, snapshot.lastHeartbeat(),
                snapshot.tags(), snapshot.load());
    }

    /** Every pool's capacity, in one pass over the hosts (the {@code berth_pool_slots} gauges). */
    Map<String, PoolCapacity> capacityByPool() {
        Map<String, int[]> sums = new HashMap<>();
        catalog.pools().forEach(pool -> sums.put(pool.poolId(), new int[3]));
        for (HostEntry entry : registeredHosts()) {
            HostHealthEvent snapshot = current(entry);
            HostPoolConfig pool = catalog.pool(snapshot.poolId()).orElse(null);
            if (pool == null) {
                continue;
            }
            int[] sum = sums.get(pool.poolId());
            boolean running = snapshot.health() != Health.SHUTDOWN && snapshot.health() != Health.NO_HEARTBEAT;
            if (running && HeartbeatMonitor.overThreshold(pool.loadThresholds(), snapshot.load())) {
                sum[2] += 1;
            }
            if (snapshot.health() != Health.AVAILABLE || !snapshot.allowNewSessions()) {
                continue;
            }
            if (pool.type() == PoolType.PERSONAL) {
                sum[0] += 1;
                sum[1] += snapshot.assignedUser() == null ? 1 : 0;
            } else {
                sum[0] += pool.maxSessionsPerHost();
                sum[1] += Math.max(0, pool.maxSessionsPerHost() - sessions.liveOn(snapshot.hostId()));
            }
        }
        Map<String, PoolCapacity> capacity = new TreeMap<>();
        sums.forEach((poolId, sum) -> capacity.put(poolId, new PoolCapacity(sum[0], sum[1], sum[2])));
        return capacity;
    }

    /** Applies a change of a host's registration, snapshot or contact; false for a change of anything else. */
    boolean apply(Change change) {
        if (change instanceof Change.HostRegistered registered) {
            HostRegistration registration = registered.registration();
            update(registration.hostId(), entry -> {
                entry.registration = registration;
                entry.lastContact = latest(entry.lastContact, registration.registeredAt());
            });
        } else if (change instanceof Change.HostUnregistered removed) {
            update(removed.hostId(), entry -> entry.registration = null);
        } else if (change instanceof Change.HealthSaved saved) {
            HostHealthEvent snapshot = saved.snapshot();
            update(snapshot.hostId(), entry -> {
                entry.snapshot = snapshot;
                entry.lastContact = latest(entry.lastContact, snapshot.lastHeartbeat());
            });
        } else if (change instanceof Change.HealthRemoved removed) {
            update(removed.hostId(), entry -> entry.snapshot = null);
        } else if (change instanceof Change.HeartbeatReceived received) {
            update(received.hostId(), entry -> entry.lastContact = latest(entry.lastContact, received.at()));
        } else {
            return false;
        }
        return true;
    }

    /** Applies an update to a host entry, keeping the per-pool health counts in step. */
    private void update(String hostId, Consumer<HostEntry> update) {
        HostEntry entry = hosts.computeIfAbsent(hostId, id -> new HostEntry());
        countHost(entry, -1);
        update.accept(entry);
        countHost(entry, 1);
        if (entry.registration == null && entry.snapshot == null) {
            hosts.remove(hostId);
        }
    }

    private void countHost(HostEntry entry, int delta) {
        if (entry.registration == null) {
            return;
        }
        counts.computeIfAbsent(entry.registration.poolId(), id -> new EnumMap<>(Health.class))
                .merge(current(entry).health(), delta, Integer::sum);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
