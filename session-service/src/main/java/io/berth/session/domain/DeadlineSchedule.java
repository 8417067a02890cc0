package io.berth.session.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * When each session's next timed decision is due, kept so that the sweep looks only at what is due, never at every
 * live session: PENDING sessions by when they became pending (per pool, for its pending timeout), live sessions by
 * when their host stopped listing them (per pool, for its reconciliation grace), removed hosts that still have live
 * sessions, and ENDED sessions by when their tombstone is due. It also holds the pools' timings, which say how long
 * each wait is. Not thread-safe: one event loop owns it.
 *
 * <p>Entries are not removed when sessions move on: whoever takes a due entry re-checks it against the session.
 */
final class DeadlineSchedule {

    private final Duration endedRetention;
    private final HostDirectory hosts;
    private final Map<String, PoolTimings> poolTimings = new HashMap<>();
    private final LimitSchedule limits = new LimitSchedule(this::timingsOf);
    /** When this instance started deciding: no pending time counts before it (the service could not know). */
    private Instant countingFrom;
    /* Queue keys are pool ids ({@code null} for no pool). */
    private final PoolDeadlines pending = new PoolDeadlines();
    private final PoolDeadlines unlisted = new PoolDeadlines();
    private final Set<String> removedHostsWithLiveSessions = new HashSet<>();
    private final PriorityQueue<TombstoneDue> tombstonesDue =
            new PriorityQueue<>(Comparator.comparing(TombstoneDue::at));

    /** An ended session and when its tombstone is due (or due to be looked at again). */
    record TombstoneDue(Instant at, String sessionId) {
    }

    DeadlineSchedule(Duration endedRetention, HostDirectory hosts) {
        this.endedRetention = Objects.requireNonNull(endedRetention, "endedRetention");
        this.hosts = hosts;
    }

    // ---------------------------------------------------------------- pools and hosts

    /** Returns whether the pool now has a session limit it did not have (see {@link LimitSchedule#poolConfigured}). */
    boolean poolConfigured(HostPoolConfig pool) {
        poolTimings.put(pool.poolId(), new PoolTimings(pool.heartbeatSeconds(), pool.pendingTimeoutSeconds()));
        return limits.poolConfigured(pool);
    }

    void poolRemoved(String poolId) {
        poolTimings.remove(poolId);
        limits.poolRemoved(poolId);
    }

    /** The session limits' waits, which follow the same sessions. */
    LimitSchedule limits() {
        return limits;
    }

    PoolTimings timingsOf(String poolId) {
        return poolId == null ? PoolTimings.DEFAULTS : poolTimings.getOrDefault(poolId, PoolTimings.DEFAULTS);
    }

    void hostRegistered(String hostId) {
        removedHostsWithLiveSessions.remove(hostId);
    }

    /** A removed host whose live sessions the next sweep ends. */
    void hostRemovedWithLiveSessions(String hostId) {
        removedHostsWithLiveSessions.add(hostId);
    }

    /** Removed hosts that had live sessions when last seen; the sweep removes those that have none left. */
    Iterator<String> removedHostsWithLiveSessions() {
        return removedHostsWithLiveSessions.iterator();
    }

    Duration endedRetention() {
        return endedRetention;
    }

    // ---------------------------------------------------------------- pending time

    /** Pending time counts from {@code now} at the earliest; re-arms {@code pending}, whose start may have moved. */
    void startCounting(Instant now, Iterable<Session> pending) {
        countingFrom = now;
        for (Session session : pending) {
            arm(null, session);
        }
    }

    /**
     * When a PENDING session's timeout starts: when this service could first know of it. That is the allocation's
     * time for a live service, but never earlier than {@link Session#READ_LAG_ALLOWANCE} before it was read, nor
     * than when this instance started deciding ({@link #startCounting}).
     */
    Instant pendingSince(Session session) {
        Instant since = session.pendingSince();
        return since != null && countingFrom != null && countingFrom.isAfter(since) ? countingFrom : since;
    }

    // ---------------------------------------------------------------- tracking

    /**
     * A session stored: {@code before} the one the registry held (or {@code null}), {@code after} the one it holds
     * now. Queues its tombstone once it has ENDED, and the timed decision it waits for.
     */
    void stored(Session before, Session after) {
        if (after.isLive() && hosts.isRemoved(after.hostId())) {
            removedHostsWithLiveSessions.add(after.hostId());
        }
        if (after.state() == SessionState.ENDED && after.updatedAt() != null
                && (before == null || before.state() != SessionState.ENDED
                || !after.updatedAt().equals(before.updatedAt()))) {
            tombstonesDue.add(new TombstoneDue(after.updatedAt().plus(endedRetention), after.sessionId()));
        }
        arm(before, after);
        limits.stored(before, after);
    }

    /** A session removed from the registry (tombstoned). */
    void removed(String sessionId) {
        limits.removed(sessionId);
    }

    /**
     * Queues the timed decision {@code after} waits for, unless {@code before} (whose entry, still queued or
     * waiting for its owner, holds for {@code after} too) waited for the same one.
     */
    void arm(Session before, Session after) {
        if (after.state() == SessionState.PENDING) {
            Instant since = pendingSince(after);
            if (since != null && !(before != null && before.state() == SessionState.PENDING
                    && Objects.equals(before.poolId(), after.poolId()) && since.equals(pendingSince(before)))) {
                pending.add(after.poolId(), after.sessionId(), since);
            }
        } else if (isUnlistedLive(after) && !(before != null && isUnlistedLive(before)
                && Objects.equals(before.poolId(), after.poolId())
                && after.unlistedSince().equals(before.unlistedSince()))) {
            unlisted.add(after.poolId(), after.sessionId(), after.unlistedSince());
        }
    }

    /** A live session past PENDING that its host has stopped listing: it waits out the reconciliation grace. */
    static boolean isUnlistedLive(Session session) {
        return session.isLive() && session.state() != SessionState.PENDING && session.unlistedSince() != null;
    }

    // ---------------------------------------------------------------- what is due

    /**
     * Takes the queued waits that are over at {@code now} (pending timeouts first, then reconciliation graces) and
     * gives {@code due} each session still waiting in that pool since the same instant.
     */
    void takeDue(Instant now, Function<String, Session> sessions, Consumer<Session> due) {
        pending.takeDue(pool -> timingsOf(pool).pendingTimeout(),
                session -> session.state() == SessionState.PENDING ? pendingSince(session) : null,
                now, sessions, due);
        unlisted.takeDue(pool -> timingsOf(pool).reconciliationGrace(),
                session -> isUnlistedLive(session) ? session.unlistedSince() : null, now, sessions, due);
    }

    /** The tombstones due at {@code now}, earliest first, taken off the schedule. */
    List<TombstoneDue> takeTombstonesDue(Instant now) {
        List<TombstoneDue> due = new ArrayList<>();
        while (!tombstonesDue.isEmpty() && !now.isBefore(tombstonesDue.peek().at())) {
            due.add(tombstonesDue.poll());
        }
        return due;
    }

    void tombstoneDue(TombstoneDue due) {
        tombstonesDue.add(due);
    }
}
