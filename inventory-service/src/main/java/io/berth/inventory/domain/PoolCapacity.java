package io.berth.inventory.domain;

/**
 * A pool's room for new sessions, counted on the hosts that take them ({@code AVAILABLE} and allowing new
 * sessions): {@code slots} is their {@code maxSessionsPerHost} summed, {@code free} the slots without a live
 * session. In a personal pool each such host is one slot, free while no user is assigned to it.
 */
public record PoolCapacity(int slots, int free) {
}
