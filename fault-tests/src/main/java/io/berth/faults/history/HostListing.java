package io.berth.faults.history;

import java.time.Instant;
import java.util.Optional;

/**
 * When a simulated host first reported a session in an accepted heartbeat, and when it stopped holding it
 * (its user logged off); open while it still holds it.
 */
public record HostListing(Instant firstReported, Optional<Instant> droppedAt) {

    public boolean listedAt(Instant at) {
        return !at.isBefore(firstReported) && droppedAt.map(at::isBefore).orElse(true);
    }
}
