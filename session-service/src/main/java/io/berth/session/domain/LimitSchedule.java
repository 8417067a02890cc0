package io.berth.session.domain;

import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * When each live session's next session-limit decision is due (DESIGN.md 7.5), kept like the
 * {@link DeadlineSchedule}'s waits so that the sweep looks only at what is due: DISCONNECTED sessions by when they
 * disconnected (for the pool's disconnected timeout), live sessions by {@code createdAt} (for the maximum-time
 * warning and the limit), and sessions with a LOGOFF that forces their end by that command's time (for the end
 * 2 heartbeat intervals later). Each queue's delay is the pool's current one, so a pool change applies to the
 * sessions already waiting; a pool without a limit queues nothing for it, and its sessions are queued when it gets
 * one. Also holds the {@link CommandLog}. Not thread-safe: one event loop owns it.
 */
final class LimitSchedule {

    /** How long a command for a session this instance does not know is kept, in case the session's record is late. */
    static final Duration UNKNOWN_SESSION_COMMAND_KEPT = Duration.ofHours(1);

    private final Function<String, PoolTimings> timings;
    private final Map<String, SessionLimits> poolLimits = new HashMap<>();
    private final CommandLog log = new CommandLog();
    private final PoolDeadlines disconnected = new PoolDeadlines();
    private final PoolDeadlines warning = new PoolDeadlines();
    private final PoolDeadlines maxTime = new PoolDeadlines();
    private final PoolDeadlines forcedEnd = new PoolDeadlines();
    private final DeadlineQueue commandsOfUnknownSessions = new DeadlineQueue();

    LimitSchedule(Function<String, PoolTimings> timings) {
        this.timings = timings;
    }

    /**
     * A pool's limits, new or changed. A pool without a limit queues nothing for it (its sessions' waits are dropped):
     * returns whether the pool now has a limit it did not have, whose waits the caller queues for its live sessions.
     */
    boolean poolConfigured(HostPoolConfig pool) {
        SessionLimits before = limitsOf(pool.poolId());
        SessionLimits after = SessionLimits.of(pool);
        poolLimits.put(pool.poolId(), after);
        if (!after.limitsDisconnection()) {
            disconnected.removePool(pool.poolId());
        }
        if (!after.limitsSessionTime()) {
            warning.removePool(pool.poolId());
            maxTime.removePool(pool.poolId());
        }
        return after.limitsDisconnection() && !before.limitsDisconnection()
                || after.limitsSessionTime() && !before.limitsSessionTime();
    }

    void poolRemoved(String poolId) {
        poolLimits.remove(poolId);
        disconnected.removePool(poolId);
        warning.removePool(poolId);
        maxTime.removePool(poolId);
    }

    SessionLimits limitsOf(String poolId) {
        return poolId == null ? SessionLimits.NONE : poolLimits.getOrDefault(poolId, SessionLimits.NONE);
    }

    Duration forcedEndDelay(String poolId) {
        return timings.apply(poolId).reconciliationGrace();
    }

    CommandLog log() {
        return log;
    }

    // ---------------------------------------------------------------- tracking

    /** A session stored ({@code before} the one held until now, or {@code null}): queues the waits it starts. */
    void stored(Session before, Session after) {
        if (!after.isLive()) {
            return;
        }
        String sessionId = after.sessionId();
        SessionLimits pool = limitsOf(after.poolId());
        boolean sameLiveSession = before != null && before.isLive() && Objects.equals(before.poolId(), after.poolId());
        if (pool.limitsSessionTime() && after.createdAt() != null
                && !(sameLiveSession && after.createdAt().equals(before.createdAt()))) {
            warning.add(after.poolId(), sessionId, after.createdAt());
            maxTime.add(after.poolId(), sessionId, after.createdAt());
        }
        CommandLog.Logoff forcing = sameLiveSession ? null : log.forcingLogoff(sessionId);
        if (forcing != null) {
            forcedEnd.add(after.poolId(), sessionId, forcing.at());
        }
        if (pool.limitsDisconnection() && isDisconnected(after) && !(sameLiveSession && isDisconnected(before)
                && after.updatedAt().equals(before.updatedAt()))) {
            disconnected.add(after.poolId(), sessionId, after.updatedAt());
        }
    }

    /** A session tombstoned: what was sent for it is no longer needed. */
    void removed(String sessionId) {
        log.forget(sessionId);
    }

    /**
     * A command read from {@code berth.host-commands} or decided here (its session looked up in {@code sessions}, if
     * this instance knows it). A LOGOFF that forces the session's end starts its wait for that end.
     */
    void commandSeen(HostCommandEvent command, Function<String, Session> sessions, Instant now) {
        Session session = command.sessionId() == null ? null : sessions.apply(command.sessionId());
        boolean wasForced = command.sessionId() != null && log.forcingLogoff(command.sessionId()) != null;
        CommandLog.Logoff logoff = log.record(command, now);
        if (session == null) {
            if (command.sessionId() != null) {
                commandsOfUnknownSessions.add(command.sessionId(), now);
            }
        } else if (logoff != null && logoff.forcesEnd() && session.isLive()) {
            forcedEnd.add(session.poolId(), session.sessionId(), logoff.at());
        } else if (logoff != null && wasForced && session.isLive()) {
            stored(null, session); // an operator's LOGOFF replaced a forcing one: the limits apply again
        }
    }

    /** Forgets the commands of sessions that are not known (all of them, once the state is rebuilt at start). */
    void forgetCommandsOfUnknownSessions(Predicate<String> known) {
        log.sessionIds().removeIf(sessionId -> !known.test(sessionId));
    }

    /** Forgets the commands kept for sessions still unknown after {@link #UNKNOWN_SESSION_COMMAND_KEPT}. */
    void expireCommandsOfUnknownSessions(Instant now, Predicate<String> known) {
        DeadlineQueue.Waiting waiting;
        while ((waiting = commandsOfUnknownSessions.pollDue(now, UNKNOWN_SESSION_COMMAND_KEPT)) != null) {
            if (!known.test(waiting.sessionId())) {
                log.forget(waiting.sessionId());
            }
        }
    }

    private static boolean isDisconnected(Session session) {
        return session.state() == SessionState.DISCONNECTED && session.updatedAt() != null;
    }

    // ---------------------------------------------------------------- what is due

    /**
     * Takes the waits that are over at {@code now} and gives {@code due} each session still waiting since the same
     * instant; the caller decides what, if anything, is due for it.
     */
    void takeDue(Instant now, Function<String, Session> sessions, Consumer<Session> due) {
        // A pool without the limit (now) answers no wait: its queue is dropped when its limit is (poolConfigured).
        disconnected.takeDue(
                pool -> limitsOf(pool).limitsDisconnection() ? limitsOf(pool).disconnectedTimeout() : null,
                session -> isDisconnected(session) ? session.updatedAt() : null, now, sessions, due);
        warning.takeDue(pool -> limitsOf(pool).limitsSessionTime() ? limitsOf(pool).warningAfter() : null,
                session -> session.isLive() ? session.createdAt() : null, now, sessions, due);
        maxTime.takeDue(pool -> limitsOf(pool).limitsSessionTime() ? limitsOf(pool).maxSessionTime() : null,
                session -> session.isLive() ? session.createdAt() : null, now, sessions, due);
        forcedEnd.takeDue(this::forcedEndDelay, session -> {
            CommandLog.Logoff forcing = log.forcingLogoff(session.sessionId());
            return forcing == null || !session.isLive() ? null : forcing.at();
        }, now, sessions, due);
    }
}
