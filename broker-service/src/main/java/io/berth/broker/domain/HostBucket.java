package io.berth.broker.domain;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A set of indexed hosts with O(1) add, remove and uniform random pick (swap-remove; each host remembers its
 * position). Parallel arrays keep what a pick reads — the entry to return and its last heartbeat — next to each
 * other, so that picking among 100,000 hosts costs no more memory traffic than among 100. Not thread-safe: its
 * owner ({@link PooledHosts}, {@link PersonalHosts}) guards it.
 */
final class HostBucket {

    private IndexedHost[] hosts = new IndexedHost[8];
    private HostEntry[] entries = new HostEntry[8];
    private long[] heartbeats = new long[8];
    private int size;

    void add(IndexedHost host) {
        if (size == hosts.length) {
            int capacity = size * 2;
            hosts = Arrays.copyOf(hosts, capacity);
            entries = Arrays.copyOf(entries, capacity);
            heartbeats = Arrays.copyOf(heartbeats, capacity);
        }
        host.position = size;
        hosts[size] = host;
        entries[size] = host.entry;
        heartbeats[size] = host.lastHeartbeatMillis;
        size++;
    }

    void remove(IndexedHost host) {
        int position = host.position;
        int last = --size;
        if (position != last) {
            IndexedHost moved = hosts[last];
            hosts[position] = moved;
            entries[position] = entries[last];
            heartbeats[position] = heartbeats[last];
            moved.position = position;
        }
        hosts[last] = null;
        entries[last] = null;
        host.position = -1;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int randomPosition(RandomGenerator random) {
        return random.nextInt(size);
    }

    IndexedHost host(int position) {
        return hosts[position];
    }

    HostEntry entry(int position) {
        return entries[position];
    }

    long heartbeat(int position) {
        return heartbeats[position];
    }
}
