package io.berth.inventory.domain;

/**
 * A pool's room for new sessions, counted on the hosts that take them ({@code AVAILABLE} and allowing new
 * sessions): {@code slots} is their {@code maxSessionsPerHost} summed, {@code free} the slots without a live
 * session. In a personal pool each such host is one slot, free while no user is assigned to it.
 * {@code overLoadThreshold} counts the pool's hosts, running and heartbeating, whose last published load is at
 * or above one of the pool's thresholds (DESIGN.md 7.4): they take no new session whatever their slots.
 */
public record PoolCapacity(int slots, int free, int overLoadThreshold) {

    /** A pool's capacity with no host over its load thresholds. */
    public PoolCapacity(int slots, int free) {
        this(slots, free, 0);
    }
}
