package io.berth.broker.domain;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A pooled pool's candidates: the eligible hosts in buckets keyed by live sessions ({@code TreeMap<load,
 * bucket>}, at most {@code maxSessionsPerHost} keys). Breadth-first takes a random host of the lowest bucket,
 * depth-first a host of the highest; both cost O(log maxSessionsPerHost), independent of the number of hosts.
 * A host found stale while picking leaves its bucket until its next heartbeat. Not thread-safe: {@link PoolIndex}
 * guards it.
 */
final class PooledHosts {

    private final TreeMap<Integer, HostBucket> byLoad = new TreeMap<>();
    private int size;

    void add(IndexedHost host) {
        host.load = host.entry.liveSessions();
        byLoad.computeIfAbsent(host.load, load -> new HostBucket()).add(host);
        size++;
    }

    /** Takes the host out of its bucket if it is in one. */
    void remove(IndexedHost host) {
        if (host.load < 0) {
            return;
        }
        HostBucket bucket = byLoad.get(host.load);
        bucket.remove(host);
        if (bucket.isEmpty()) {
            byLoad.remove(host.load);
        }
        host.load = -1;
        size--;
    }

    int size() {
        return size;
    }

    /**
     * The best host not tried yet whose heartbeat is not older than {@code freshSince}: from the least loaded
     * bucket up (breadth-first) or the most loaded down (depth-first). Null when none is left.
     */
    HostEntry pick(Set<String> tried, RandomGenerator random, boolean depthFirst, long freshSince) {
        Map.Entry<Integer, HostBucket> bucket = depthFirst ? byLoad.lastEntry() : byLoad.firstEntry();
        while (bucket != null) {
            int load = bucket.getKey();
            HostEntry picked = pickFrom(bucket.getValue(), tried, random, depthFirst, freshSince);
            if (picked != null) {
                return picked;
            }
            bucket = depthFirst ? byLoad.lowerEntry(load) : byLoad.higherEntry(load);
        }
        return null;
    }

    /** A host of the bucket not tried yet with a fresh heartbeat (stale ones leave the index), or null. */
    private HostEntry pickFrom(HostBucket bucket, Set<String> tried, RandomGenerator random, boolean inOrder,
                               long freshSince) {
        boolean anyTried = !tried.isEmpty();
        // A few random draws find a host at once when the bucket is larger than what was tried...
        if (!inOrder) {
            for (int draw = 0; draw < 4 && !bucket.isEmpty(); draw++) {
                int position = bucket.randomPosition(random);
                if (anyTried && tried.contains(bucket.entry(position).hostId())) {
                    continue;
                }
                if (bucket.heartbeat(position) < freshSince) {
                    remove(bucket.host(position));
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
                remove(bucket.host(position));
            } else {
                return bucket.entry(position);
            }
        }
        return null;
    }
}
