package io.berth.broker.domain;

import java.util.Arrays;

/**
 * Personal pools: user → the host the user owns, as an open-addressing table (linear probing, backward-shift
 * removal) whose probe reads one {@code int[]} of hash codes and touches a key only when its hash matches.
 *
 * <p>Why not a {@code HashMap}: a connect of a user who owns no host yet (every first connect into a personal
 * pool) is a lookup that misses, and in a {@code HashMap} of 50,000 users a miss dereferences a scattered
 * node half of the time — a cache miss that made the personal decision at 100,000 hosts 1.85× its cost at
 * 100. Here a miss reads one or two adjacent cache lines of the hash array. Not thread-safe: {@link PersonalHosts}
 * guards it.
 */
final class UserHostMap {

    private static final int EMPTY = 0;
    /** At most half full: a probe that misses stops after ~1.5 slots on average. */
    private static final int MAX_FILL_PERCENT = 50;

    private int[] hashes = new int[16];
    private String[] users = new String[16];
    private IndexedHost[] hosts = new IndexedHost[16];
    private int size;

    int size() {
        return size;
    }

    IndexedHost get(String user) {
        int hash = hash(user);
        int mask = hashes.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int found = hashes[slot];
            if (found == EMPTY) {
                return null;
            }
            if (found == hash && users[slot].equals(user)) {
                return hosts[slot];
            }
        }
    }

    void put(String user, IndexedHost host) {
        if ((size + 1) * 100L > (long) hashes.length * MAX_FILL_PERCENT) {
            grow();
        }
        int hash = hash(user);
        int mask = hashes.length - 1;
        int slot = hash & mask;
        while (hashes[slot] != EMPTY) {
            if (hashes[slot] == hash && users[slot].equals(user)) {
                hosts[slot] = host;
                return;
            }
            slot = (slot + 1) & mask;
        }
        hashes[slot] = hash;
        users[slot] = user;
        hosts[slot] = host;
        size++;
    }

    /** Removes the user's entry only if it still points at {@code host}. */
    void remove(String user, IndexedHost host) {
        int hash = hash(user);
        int mask = hashes.length - 1;
        int slot = hash & mask;
        while (true) {
            int found = hashes[slot];
            if (found == EMPTY) {
                return;
            }
            if (found == hash && users[slot].equals(user)) {
                break;
            }
            slot = (slot + 1) & mask;
        }
        if (hosts[slot] != host) {
            return;
        }
        // Backward shift: move later entries of the probe run into the hole so every lookup still finds them.
        int hole = slot;
        int next = (hole + 1) & mask;
        while (hashes[next] != EMPTY) {
            int home = hashes[next] & mask;
            // The entry at `next` may move into the hole unless its home lies cyclically in (hole, next].
            boolean homeBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!homeBetween) {
                hashes[hole] = hashes[next];
                users[hole] = users[next];
                hosts[hole] = hosts[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        hashes[hole] = EMPTY;
        users[hole] = null;
        hosts[hole] = null;
        size--;
    }

    private void grow() {
        int[] oldHashes = hashes;
        String[] oldUsers = users;
        IndexedHost[] oldHosts = hosts;
        int capacity = oldHashes.length * 2;
        hashes = new int[capacity];
        users = new String[capacity];
        hosts = new IndexedHost[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != EMPTY) {
                int slot = oldHashes[i] & mask;
                while (hashes[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                hashes[slot] = oldHashes[i];
                users[slot] = oldUsers[i];
                hosts[slot] = oldHosts[i];
            }
        }
        Arrays.fill(oldUsers, null);
    }

    /** A well-mixed, never-zero hash (zero marks an empty slot). */
    private static int hash(String user) {
        int h = user.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return h == EMPTY ? 1 : h;
    }
}
