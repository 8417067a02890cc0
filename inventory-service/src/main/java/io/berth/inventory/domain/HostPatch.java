package io.berth.inventory.domain;

/**
 * An admin's change to one host. {@code allowNewSessions} is {@code null} when not to be changed;
 * {@code assignedUser} applies only when {@code changesAssignment} ({@code null} then unassigns).
 */
public record HostPatch(Boolean allowNewSessions, boolean changesAssignment, String assignedUser) {
}
