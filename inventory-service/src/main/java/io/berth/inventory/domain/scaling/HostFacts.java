package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;

import java.time.Instant;
import java.util.List;

/**
 * What the scaler knows of one host of the pool. {@code healthSince} is since when the host has had {@code health}
 * (for {@code NO_HEARTBEAT} its last heartbeat, for {@code UNAVAILABLE} its registration), null if unknown;
 * {@code sessions} are its live sessions.
 */
public record HostFacts(String hostId, Health health, Instant healthSince, boolean allowNewSessions,
                        List<String> tags, List<SessionFact> sessions) {

    public HostFacts {
        tags = tags == null ? List.of() : List.copyOf(tags);
        sessions = sessions == null ? List.of() : List.copyOf(sessions);
    }
}
