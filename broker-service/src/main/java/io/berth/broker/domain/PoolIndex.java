package io.berth.broker.domain;

import io.berth.common.events.LoadBalancer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The hosts of one pool, indexed so that a placement decision never scans the pool.
 *
 * <ul>
 *   <li>Pooled: the eligible hosts in buckets keyed by live sessions ({@code TreeMap<load, bucket>}, at most
 *   {@code maxSessionsPerHost} keys). Breadth-first takes a random host of the lowest bucket, depth-first a
 *   host of the highest; both cost O(log maxSessionsPerHost), independent of the number of hosts.</li>
 *   <li>Personal: who owns which host (user → host, {@link UserHostMap}), and the eligible hosts nobody owns, handed
 *   out in turn from a random start.</li>
 * </ul>
 *
 * Kept in step with the host cache by its change events ({@link #upsert}, {@link #remove}); an event older
 * than the entry already indexed (lower revision) is ignored. Heartbeat freshness changes with time alone,
 * so it is checked when a host is picked: a stale host leaves the index until its next heartbeat. Thread-safe.
 */
public final class PoolIndex {

    /** A host's place in the index. */
    static final class IndexedHost {
        HostEntry entry;
        /** A copy of the entry's last heartbeat: a pick checks freshness without touching the entry. */
        long lastHeartbeatMillis;
        /** The load bucket holding the host, or -1 when it is not a pooled candidate. */
        int load = -1;
        /** Whether the host is in the personal pool's unassigned set. */
        boolean unassigned;
        /** Position inside its bucket. */
        int position = -1;

        IndexedHost(HostEntry entry) {
            this.entry = entry;
            this.lastHeartbeatMillis = entry.lastHeartbeatMillis();
        }
    }

    private final String poolId;
    private final LongSupplier clock;
    private final HeartbeatSource source;
    private PoolPolicy policy;
    private final Map<String, IndexedHost> hosts = new HashMap<>();
    private final TreeMap<Integer, HostBucket> byLoad = new TreeMap<>();
    private final HostBucket unassigned = new HostBucket();
    private final UserHostMap hostOfUser = new UserHostMap();
    /**
     * Personal pools hand the unassigned hosts out in turn, from a random start (so that nodes do not race for
     * the same host): consecutive picks read neighbouring slots of the bucket's arrays, where random picks
     * among 50,000 hosts each missed the CPU cache. -1 until the first pick.
     */
    private int unassignedCursor = -1;
    private int candidateCount;
    /** The newest heartbeat of any host of the pool: tells "no fresh heartbeat" from "full" in O(1). */
    private long newestHeartbeatMillis;

    public PoolIndex(String poolId, LongSupplier clock) {
        this(poolId, clock, HeartbeatSource.STRICT);
    }

    /** @param source the heartbeat source of every pool, which decides what "fresh" means when it is silent */
    public PoolIndex(String poolId, LongSupplier clock, HeartbeatSource source) {
        this.poolId = poolId;
        this.clock = clock;
        this.source = source;
    }

    /**
     * The time heartbeat freshness is measured against in this pool: now, or while the heartbeat source is
     * silent (within its bound), the moment it went silent.
     */
    public synchronized long freshnessNow(long nowMillis) {
        return policy == null ? nowMillis : source.freshnessReference(nowMillis, policy.heartbeatFreshnessMillis());
    }

    /** Whether this pool places on its last-known hosts because the heartbeat source is silent. */
    public synchronized boolean isPlacingDegraded(long nowMillis) {
        return policy != null && !hosts.isEmpty() && source.isDegraded(nowMillis, policy.heartbeatFreshnessMillis());
    }

    /**
     * Indexes every host again: when the heartbeat source went silent, hosts that left the index as stale
     * before the silence was recognised are fresh again against the moment it went silent. Once per transition.
     */
    public synchronized void reindex() {
        for (IndexedHost host : hosts.values()) {
            unindex(host);
            index(host);
        }
    }

    public String poolId() {
        return poolId;
    }

    /** The pool's rules, or empty while its config has not arrived. */
    public synchronized Optional<PoolPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** A new pool config; if it changes how hosts are indexed (limit, type, balancing), the pool is re-indexed. */
    public synchronized void configure(PoolPolicy newPolicy) {
        boolean reindex = !newPolicy.indexesLike(policy);
        policy = newPolicy;
        if (reindex) {
            for (IndexedHost host : hosts.values()) {
                unindex(host);
                index(host);
            }
        }
    }

    /** The pool was deleted: nothing is a candidate any more (hosts stay known for reconnects). */
    public synchronized void unconfigure() {
        policy = null;
        for (IndexedHost host : hosts.values()) {
            unindex(host);
        }
    }

    public synchronized void upsert(HostEntry entry) {
        newestHeartbeatMillis = Math.max(newestHeartbeatMillis, entry.lastHeartbeatMillis());
        source.heard(entry.lastHeartbeatMillis());
        IndexedHost host = hosts.get(entry.hostId());
        if (host == null) {
            host = new IndexedHost(entry);
            hosts.put(entry.hostId(), host);
        } else {
            if (entry.revision() < host.entry.revision()) {
                return;
            }
            unindex(host);
            host.entry = entry;
            host.lastHeartbeatMillis = entry.lastHeartbeatMillis();
        }
        index(host);
    }

    /** The host as it is now, even at a lower revision than the one indexed (a merged partition's entry). */
    public synchronized void replace(HostEntry entry) {
        remove(entry.hostId());
        upsert(entry);
    }

    public synchronized void remove(String hostId) {
        IndexedHost host = hosts.remove(hostId);
        if (host != null) {
            unindex(host);
        }
    }

    public synchronized Optional<HostEntry> host(String hostId) {
        IndexedHost host = hosts.get(hostId);
        return host == null ? Optional.empty() : Optional.of(host.entry);
    }

    /** Personal pools: the host the user owns (assigned by the inventory or claimed by a broker). */
    public synchronized Optional<HostEntry> hostOf(String userId) {
        IndexedHost host = hostOfUser.get(userId);
        return host == null ? Optional.empty() : Optional.of(host.entry);
    }

    /**
     * Whether the pool has hosts but none of them has heartbeated within the pool's staleness window (the
     * reason of a refusal: a silent fleet, not a full one).
     */
    public synchronized boolean hasOnlyStaleHosts(long nowMillis) {
        return policy != null && !hosts.isEmpty()
                && freshnessNow(nowMillis) - newestHeartbeatMillis > policy.heartbeatFreshnessMillis();
    }

    public synchronized int hostCount() {
        return hosts.size();
    }

    /** Hosts currently indexed as candidates for a new session (pooled) or for assignment (personal). */
    public synchronized int candidateCount() {
        return candidateCount;
    }

    /**
     * The next host to try for a new session, skipping {@code tried}: pooled by the pool's balancing, personal
     * among the unassigned eligible hosts. Empty when no candidate is left.
     */
    public synchronized Optional<HostEntry> pick(Set<String> tried, RandomGenerator random) {
        if (policy == null) {
            return Optional.empty();
        }
        long now = freshnessNow(clock.getAsLong());
        if (policy.isPersonal()) {
            return Optional.ofNullable(pickInTurn(tried, random, now));
        }
        boolean depthFirst = policy.loadBalancer() == LoadBalancer.DEPTH_FIRST;
        Map.Entry<Integer, HostBucket> bucket = depthFirst ? byLoad.lastEntry() : byLoad.firstEntry();
        while (bucket != null) {
            int load = bucket.getKey();
            HostEntry picked = pickFrom(bucket.getValue(), tried, random, depthFirst, now);
            if (picked != null) {
                return Optional.of(picked);
            }
            bucket = depthFirst ? byLoad.lowerEntry(load) : byLoad.higherEntry(load);
        }
        return Optional.empty();
    }

    /** Candidates for one connect: each call to {@code next} skips the hosts already returned. */
    public Candidates candidates(RandomGenerator random, int maxAttempts) {
        return new Candidates() {
            private final Set<String> tried = new HashSet<>(4);
            private HostEntry last;
            private int given;

            @Override
            public Optional<HostEntry> next() {
                // The host given last joins the tried set only now: the common first pick hashes nothing.
                if (last != null) {
                    tried.add(last.hostId());
                }
                if (given >= maxAttempts) {
                    return Optional.empty();
                }
                Optional<HostEntry> host = pick(tried, random);
                last = host.orElse(null);
                given++;
                return host;
            }
        };
    }

    /** Personal pools: the next unassigned host in turn not tried yet with a fresh heartbeat, or null. */
    private HostEntry pickInTurn(Set<String> tried, RandomGenerator random, long now) {
        long freshSince = now - policy.heartbeatFreshnessMillis();
        boolean anyTried = !tried.isEmpty();
        if (unassignedCursor < 0 && !unassigned.isEmpty()) {
            unassignedCursor = unassigned.randomPosition(random);
        }
        // At most one lap: every host of the bucket is looked at once (stale ones leave it as they are seen).
        for (int looked = 0; looked < unassigned.size(); ) {
            if (unassignedCursor >= unassigned.size()) {
                unassignedCursor = 0;
            }
            int position = unassignedCursor;
            if (unassigned.heartbeat(position) < freshSince) {
                unindex(unassigned.host(position));
                continue;
            }
            unassignedCursor++;
            looked++;
            if (anyTried && tried.contains(unassigned.entry(position).hostId())) {
                continue;
            }
            return unassigned.entry(position);
        }
        return null;
    }

    /** A host of the bucket not tried yet with a fresh heartbeat (stale ones leave the index), or null. */
    private HostEntry pickFrom(HostBucket bucket, Set<String> tried, RandomGenerator random, boolean inOrder,
                               long now) {
        long freshSince = now - policy.heartbeatFreshnessMillis();
        boolean anyTried = !tried.isEmpty();
        // A few random draws find a host at once when the bucket is larger than what was tried...
        if (!inOrder) {
            for (int draw = 0; draw < 4 && !bucket.isEmpty(); draw++) {
                int position = bucket.randomPosition(random);
                if (anyTried && tried.contains(bucket.entry(position).hostId())) {
                    continue;
                }
                if (bucket.heartbeat(position) < freshSince) {
                    unindex(bucket.host(position));
                    continue;
                }
                return bucket.entry(position);
            }
        }
        // ...and a walk settles small buckets, where every host may have been tried.
        int position = 0;
        while (position < bucket.size()) {
            if (anyTried && tried.contains(bucket.entry(position).hostId())) {
                position++;
            } else if (bucket.heartbeat(position) < freshSince) {
                unindex(bucket.host(position));
            } else {
                return bucket.entry(position);
            }
        }
        return null;
    }

    private void index(IndexedHost host) {
        HostEntry entry = host.entry;
        if (policy != null && policy.isPersonal()) {
            String owner = entry.effectiveUser();
            if (owner != null) {
                hostOfUser.put(owner, host);
                return;
            }
        }
        if (policy == null || !Eligibility.isEligibleIgnoringTime(entry, policy)
                || !Eligibility.isHeartbeatFresh(entry, policy, freshnessNow(clock.getAsLong()))) {
            return;
        }
        candidateCount++;
        if (policy.isPersonal()) {
            host.unassigned = true;
            unassigned.add(host);
        } else {
            host.load = entry.liveSessions();
            byLoad.computeIfAbsent(host.load, load -> new HostBucket()).add(host);
        }
    }

    private void unindex(IndexedHost host) {
        String owner = host.entry.effectiveUser();
        if (owner != null) {
            hostOfUser.remove(owner, host);
        }
        if (host.unassigned) {
            unassigned.remove(host);
            host.unassigned = false;
            candidateCount--;
        } else if (host.load >= 0) {
            HostBucket bucket = byLoad.get(host.load);
            bucket.remove(host);
            if (bucket.isEmpty()) {
                byLoad.remove(host.load);
            }
            host.load = -1;
            candidateCount--;
        }
    }
}
