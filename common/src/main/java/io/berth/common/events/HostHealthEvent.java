package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A host's health snapshot on {@code berth.host-health}, keyed by host id. {@code tags} and {@code load} are
 * DESIGN.md 7.2 and 7.4 ({@code load} null when the last heartbeat carried none).
 */
public record HostHealthEvent(int v, String hostId, String poolId, Health health, boolean allowNewSessions,
                              @JsonInclude(JsonInclude.Include.ALWAYS) String assignedUser,
                              List<String> sessionIds, Instant lastHeartbeat, List<HealthCheck> healthChecks,
                              List<String> tags, @JsonInclude(JsonInclude.Include.ALWAYS) HostLoad load)
        implements Event {

    public HostHealthEvent {
        v = v == 0 ? CURRENT_VERSION : v;
        sessionIds = sessionIds == null ? List.of() : List.copyOf(sessionIds);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A snapshot of a host without tags that reported no load. */
    public HostHealthEvent(int v, String hostId, String poolId, Health health, boolean allowNewSessions,
                           String assignedUser, List<String> sessionIds, Instant lastHeartbeat,
                           List<HealthCheck> healthChecks) {
        this(v, hostId, poolId, health, allowNewSessions, assignedUser, sessionIds, lastHeartbeat, healthChecks,
                List.of(), null);
    }
}
