package io.berth.inventory.domain;

import io.berth.common.events.Health;

import java.time.Instant;

/** A host as the admin API lists it; {@code sessions} are its live sessions as {@code berth.sessions} has them. */
public record HostView(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                       int sessions, int maxSessions, Instant lastHeartbeat) {
}
