package io.berth.broker.domain;

import io.berth.common.events.LoadBalancer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The hosts of one pool, indexed so that a placement decision never scans the pool: every host by id, the
 * pool's policy and heartbeat freshness, and the candidates for a new session, held by {@link PooledHosts}
 * (load buckets) or {@link PersonalHosts} (owners and unassigned hosts) as the policy says.
 *
 * Kept in step with the host cache by its change events ({@link #upsert}, {@link #remove}); an event older
 * than the entry already indexed (lower revision) is ignored. Heartbeat freshness changes with time alone,
 * so it is checked when a host is picked: a stale host leaves the index until its next heartbeat. Thread-safe.
 *
 * <p>A host out only because of its load or its logon cap is out of the candidates like a full host, and
 * counted, so that an exhausted connect says why in O(1) ({@link #whyNoCandidate}). The pool's scaling phase
 * may set the load balancer ({@link #balanceBy}): the load buckets serve both directions, so that costs nothing.
 */
public final class PoolIndex {

    private final String poolId;
    private final LongSupplier clock;
    private final HeartbeatSource source;
    private PoolPolicy policy;
    private final Map<String, IndexedHost> hosts = new HashMap<>();
    private final PooledHosts pooled = new PooledHosts();
    private final PersonalHosts personal = new PersonalHosts();
    /** The newest heartbeat of any host of the pool: tells "no fresh heartbeat" from "full" in O(1). */
    private long newestHeartbeatMillis;
    /** Otherwise eligible hosts kept out by their logon cap, and by their load. */
    private int atLogonCap;
    private int overLoad;
    /** Logons in progress over the pool's hosts ({@link HostEntry#pendingLogons()}). */
    private long pendingLogons;
    /** The load balancer of the pool's current scaling phase ({@code scaling/{poolId}}), or null. */
    private LoadBalancer phaseBalancer;

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
            reindex();
        }
    }

    /**
     * The load balancer of the pool's scaling phase, while the pool is in a plan (null: the pool's own again).
     * Both directions pick from the same load buckets, so nothing is re-indexed.
     */
    public synchronized void balanceBy(LoadBalancer phaseBalancer) {
        this.phaseBalancer = phaseBalancer;
    }

    /** The balancing placement uses now: the scaling phase's, else the pool's; null while unconfigured. */
    public synchronized LoadBalancer effectiveLoadBalancer() {
        if (phaseBalancer != null) {
            return phaseBalancer;
        }
        return policy == null ? null : policy.loadBalancer();
    }

    /** Logons in progress on the pool's hosts: reservations and PENDING sessions. */
    public synchronized long pendingLogons() {
        return pendingLogons;
    }

    /**
     * Why a connect found no candidate: every host silent ({@link Refusal#NO_FRESH_HEARTBEAT}), else some host
     * that would take it is at its logon cap ({@link Refusal#LOGON_CAP}) or over its load ({@link Refusal#LOAD}),
     * else {@link Refusal#FULL}.
     */
    public synchronized Refusal whyNoCandidate(long nowMillis) {
        if (hasOnlyStaleHosts(nowMillis)) {
            return Refusal.NO_FRESH_HEARTBEAT;
        }
        if (atLogonCap > 0) {
            return Refusal.LOGON_CAP;
        }
        return overLoad > 0 ? Refusal.LOAD : Refusal.FULL;
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
            pendingLogons -= host.entry.pendingLogons();
            host.entry = entry;
            host.lastHeartbeatMillis = entry.lastHeartbeatMillis();
        }
        pendingLogons += entry.pendingLogons();
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
            pendingLogons -= host.entry.pendingLogons();
        }
    }

    public synchronized Optional<HostEntry> host(String hostId) {
        IndexedHost host = hosts.get(hostId);
        return host == null ? Optional.empty() : Optional.of(host.entry);
    }

    /** Personal pools: the host the user owns (assigned by the inventory or claimed by a broker). */
    public synchronized Optional<HostEntry> hostOf(String userId) {
        IndexedHost host = personal.hostOf(userId);
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
        return pooled.size() + personal.unassignedCount();
    }

    /**
     * The next host to try for a new session, skipping {@code tried}: pooled by the pool's balancing, personal
     * among the unassigned eligible hosts. Empty when no candidate is left.
     */
    public synchronized Optional<HostEntry> pick(Set<String> tried, RandomGenerator random) {
        if (policy == null) {
            return Optional.empty();
        }
        long freshSince = freshnessNow(clock.getAsLong()) - policy.heartbeatFreshnessMillis();
        HostEntry picked = policy.isPersonal()
                ? personal.pickInTurn(tried, random, freshSince)
                : pooled.pick(tried, random, effectiveLoadBalancer() == LoadBalancer.DEPTH_FIRST, freshSince);
        return Optional.ofNullable(picked);
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

    private void index(IndexedHost host) {
        HostEntry entry = host.entry;
        if (policy != null && policy.isPersonal()) {
            String owner = entry.effectiveUser();
            if (owner != null) {
                personal.own(owner, host);
                return;
            }
        }
        if (policy == null) {
            return;
        }
        Refusal exclusion = Eligibility.exclusionIgnoringTime(entry, policy);
        if (exclusion == Refusal.FULL
                || !Eligibility.isHeartbeatFresh(entry, policy, freshnessNow(clock.getAsLong()))) {
            return;
        }
        if (exclusion == Refusal.LOGON_CAP) {
            atLogonCap++;
            host.excludedBy = exclusion;
        } else if (exclusion == Refusal.LOAD) {
            overLoad++;
            host.excludedBy = exclusion;
        }
        if (exclusion != null) {
            return;
        }
        if (policy.isPersonal()) {
            personal.addUnassigned(host);
        } else {
            pooled.add(host);
        }
    }

    private void unindex(IndexedHost host) {
        personal.remove(host);
        pooled.remove(host);
        if (host.excludedBy == Refusal.LOGON_CAP) {
            atLogonCap--;
        } else if (host.excludedBy == Refusal.LOAD) {
            overLoad--;
        }
        host.excludedBy = null;
    }
}
