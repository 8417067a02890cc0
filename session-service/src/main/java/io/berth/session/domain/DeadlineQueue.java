package io.berth.session.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Sessions of one pool waiting for a timed decision, earliest first, so that the sweep looks only at those whose
 * time has come instead of at every live session.
 *
 * <p>An entry holds the instant the wait started (a PENDING session's creation, or when its host first stopped
 * listing it), not the deadline: the delay is the pool's, given when the queue is polled, so a pool whose timings
 * change needs no re-queueing (one delay for the whole queue keeps the order of starts that of deadlines).
 *
 * <p>Entries are not removed when their session changes: the registry re-checks each polled entry against the
 * session it names and drops it when it no longer holds, and queues a new entry whenever a session starts a new
 * wait.
 */
final class DeadlineQueue {

    /** A session and the instant its wait started. */
    record Waiting(String sessionId, Instant since) {
    }

    private final PriorityQueue<Waiting> entries = new PriorityQueue<>(Comparator.comparing(Waiting::since));

    void add(String sessionId, Instant since) {
        entries.add(new Waiting(sessionId, since));
    }

    /**
     * Removes and returns the earliest entry whose wait of {@code delay} is over at {@code now}
     * ({@code since + delay <= now}); {@code null} when there is none.
     */
    Waiting pollDue(Instant now, Duration delay) {
        Waiting head = entries.peek();
        if (head == null || head.since().plus(delay).isAfter(now)) {
            return null;
        }
        return entries.poll();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }
}
