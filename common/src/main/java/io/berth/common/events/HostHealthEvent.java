package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A host's health snapshot on {@code berth.host-health}, keyed by host id. */
public record HostHealthEvent(int v, String hostId, String poolId, Health health, boolean allowNewSessions,
                              @JsonInclude(JsonInclude.Include.ALWAYS) String assignedUser,
                              List<String> sessionIds, Instant lastHeartbeat, List<HealthCheck> healthChecks)
        implements Event {

    public HostHealthEvent {
        v = v == 0 ? CURRENT_VERSION : v;
        sessionIds = sessionIds == null ? List.of() : List.copyOf(sessionIds);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
    }
}
