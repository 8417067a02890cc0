package io.berth.session.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Sessions waiting for one kind of timed decision, a {@link DeadlineQueue} per pool (key {@code null} for no pool):
 * each pool's wait is its own, given when the queues are polled, so a pool whose wait changes needs no re-queueing.
 * Entries stay when their session moves on; each polled one is re-checked against the session. Not thread-safe.
 */
final class PoolDeadlines {

    private final Map<String, DeadlineQueue> byPool = new HashMap<>();

    void add(String poolId, String sessionId, Instant since) {
        byPool.computeIfAbsent(poolId, pool -> new DeadlineQueue()).add(sessionId, since);
    }

    /** Drops the pool's waits (the pool no longer has them). */
    void removePool(String poolId) {
        byPool.remove(poolId);
    }

    /**
     * Takes the waits that are over at {@code now} and gives {@code due} each session still in that pool and waiting
     * since the same instant ({@code waitingSince} answers {@code null} for a session no longer waiting).
     * {@code waitOf} gives each pool's wait; a pool for which it answers {@code null} is left as it is.
     */
    void takeDue(Function<String, Duration> waitOf, Function<Session, Instant> waitingSince, Instant now,
                 Function<String, Session> sessions, Consumer<Session> due) {
        for (Iterator<Map.Entry<String, DeadlineQueue>> pools = byPool.entrySet().iterator(); pools.hasNext(); ) {
            Map.Entry<String, DeadlineQueue> pool = pools.next();
            Duration wait = waitOf.apply(pool.getKey());
            if (wait == null) {
                continue;
            }
            DeadlineQueue.Waiting waiting;
            while ((waiting = pool.getValue().pollDue(now, wait)) != null) {
                Session session = sessions.apply(waiting.sessionId());
                if (session != null && Objects.equals(session.poolId(), pool.getKey())
                        && waiting.since().equals(waitingSince.apply(session))) {
                    due.accept(session);
                }
            }
            if (pool.getValue().isEmpty()) {
                pools.remove();
            }
        }
    }
}
