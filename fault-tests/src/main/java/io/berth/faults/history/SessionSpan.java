package io.berth.faults.history;

import java.time.Instant;
import java.util.Optional;

/**
 * One session as the Kafka history has it: live from its allocation's {@code allocatedAt} until its ENDED
 * record's {@code updatedAt} (open while it has none).
 */
public record SessionSpan(String sessionId, String userId, String poolId, String hostId, Instant from,
                          Optional<Instant> until, Optional<String> endReason) {

    /** Whether the span holds {@code at}: the start counts, the end does not (a slot freed at t is free at t). */
    public boolean liveAt(Instant at) {
        return !at.isBefore(from) && until.map(at::isBefore).orElse(true);
    }

    /** Whether the two spans hold a common instant. */
    public boolean overlaps(SessionSpan other) {
        boolean thisStartsBeforeOtherEnds = other.until.map(from::isBefore).orElse(true);
        boolean otherStartsBeforeThisEnds = until.map(other.from::isBefore).orElse(true);
        return thisStartsBeforeOtherEnds && otherStartsBeforeThisEnds;
    }
}
