package io.berth.inventory.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;

import java.time.Instant;
import java.util.List;

/**
 * A host as the admin API lists it; {@code sessions} are its live sessions as {@code berth.sessions} has them,
 * {@code tags} the admin's (DESIGN.md 7.2), {@code load} what its last published snapshot reported (7.4; null
 * when unknown).
 */
public record HostView(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                       int sessions, int maxSessions, Instant lastHeartbeat, List<String> tags, HostLoad load) {

    public HostView {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A host without tags and of unknown load. */
    public HostView(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                    int sessions, int maxSessions, Instant lastHeartbeat) {
        this(hostId, poolId, health, allowNewSessions, assignedUser, sessions, maxSessions, lastHeartbeat, List.of(),
                null);
    }
}
