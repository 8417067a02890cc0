package io.berth.broker.domain;

import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A personal pool's hosts: who owns which host (user → host, {@link UserHostMap}), and the eligible hosts nobody
 * owns, handed out in turn from a random start. Not thread-safe: {@link PoolIndex} guards it.
 */
final class PersonalHosts {

    private final HostBucket unassigned = new HostBucket();
    private final UserHostMap hostOfUser = new UserHostMap();
    /**
     * The unassigned hosts are handed out in turn, from a random start (so that nodes do not race for the same
     * host): consecutive picks read neighbouring slots of the bucket's arrays, where random picks among 50,000
     * hosts each missed the CPU cache. -1 until the first pick.
     */
    private int cursor = -1;

    void own(String user, IndexedHost host) {
        hostOfUser.put(user, host);
    }

    /** The host the user owns (assigned by the inventory or claimed by a broker), or null. */
    IndexedHost hostOf(String user) {
        return hostOfUser.get(user);
    }

    void addUnassigned(IndexedHost host) {
        host.unassigned = true;
        unassigned.add(host);
    }

    /** Forgets the host's owner (if it is still the owner's host) and takes it out of the unassigned ones. */
    void remove(IndexedHost host) {
        String owner = host.entry.effectiveUser();
        if (owner != null) {
            hostOfUser.remove(owner, host);
        }
        if (host.unassigned) {
            unassigned.remove(host);
            host.unassigned = false;
        }
    }

    int unassignedCount() {
        return unassigned.size();
    }

    /** The next unassigned host in turn not tried yet whose heartbeat is not older than {@code freshSince}, or null. */
    HostEntry pickInTurn(Set<String> tried, RandomGenerator random, long freshSince) {
        boolean anyTried = !tried.isEmpty();
        if (cursor < 0 && !unassigned.isEmpty()) {
            cursor = unassigned.randomPosition(random);
        }
        // At most one lap: every host of the bucket is looked at once (stale ones leave it as they are seen).
        for (int looked = 0; looked < unassigned.size(); ) {
            if (cursor >= unassigned.size()) {
                cursor = 0;
            }
            int position = cursor;
            if (unassigned.heartbeat(position) < freshSince) {
                remove(unassigned.host(position));
                continue;
            }
            cursor++;
            looked++;
            if (anyTried && tried.contains(unassigned.entry(position).hostId())) {
                continue;
            }
            return unassigned.entry(position);
        }
        return null;
    }
}
