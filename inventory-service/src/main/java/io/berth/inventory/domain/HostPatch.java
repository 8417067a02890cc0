package io.berth.inventory.domain;

import java.util.List;

/**
 * An admin's change to one host. {@code allowNewSessions} and {@code tags} are {@code null} when not to be
 * changed; {@code assignedUser} applies only when {@code changesAssignment} ({@code null} then unassigns).
 */
public record HostPatch(Boolean allowNewSessions, boolean changesAssignment, String assignedUser, List<String> tags) {

    public HostPatch {
        tags = tags == null ? null : List.copyOf(tags);
    }

    /** A change that leaves the tags as they are. */
    public HostPatch(Boolean allowNewSessions, boolean changesAssignment, String assignedUser) {
        this(allowNewSessions, changesAssignment, assignedUser, null);
    }
}
