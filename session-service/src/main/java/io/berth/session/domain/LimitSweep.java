package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The sweep's session-limit decisions (DESIGN.md 7.5) over the sessions this instance owns: a LOGOFF for a session
 * DISCONNECTED for the pool's timeout, a MESSAGE {@code limitWarningMinutes} before the maximum session time and a
 * LOGOFF at it, and the end of a session whose forcing LOGOFF (these two, or the scaler's) its agent has not
 * carried out within 2 heartbeat intervals. Each command goes out once per session: the {@link CommandLog} knows
 * what is already on {@code berth.host-commands}, and a session with a forcing LOGOFF gets no other command.
 *
 * <p>Like the {@link SessionSweep}, it looks only at what the {@link LimitSchedule} says is due, plus the sessions
 * due on an earlier tick that another instance owned or whose command Kafka refused. Not thread-safe.
 */
final class LimitSweep {

    private final SessionStore store;
    private final LimitSchedule limits;
    private final Supplier<String> commandIds;
    /** Sessions with a decision due that another instance owned, or whose command Kafka refused: looked at again. */
    private final Set<String> recheck = new HashSet<>();

    LimitSweep(SessionStore store, LimitSchedule limits, Supplier<String> commandIds) {
        this.store = store;
        this.limits = limits;
        this.commandIds = commandIds;
    }

    void tick(Instant now, Predicate<String> owns, List<SessionChange> changes, List<LimitCommand> commands) {
        limits.expireCommandsOfUnknownSessions(now, store::contains);
        for (Iterator<String> due = recheck.iterator(); due.hasNext(); ) {
            Session session = store.get(due.next());
            if (session == null || !session.isLive()) {
                due.remove();
            } else if (!isDue(session, now)) {
                due.remove();
                limits.stored(null, session); // its waits were taken off the schedule: queue them again
            } else if (owns.test(session.sessionId())) {
                due.remove();
                decide(session, now, changes, commands);
            }
        }
        limits.takeDue(now, store::get, session -> {
            if (!isDue(session, now)) {
                return;
            }
            if (owns.test(session.sessionId())) {
                decide(session, now, changes, commands);
            } else {
                recheck.add(session.sessionId());
            }
        });
    }

    /** A command of this sweep that Kafka refused: it is forgotten and decided again at the next tick. */
    void refused(LimitCommand refused) {
        limits.log().failed(refused.command());
        if (refused.command().sessionId() != null) {
            recheck.add(refused.command().sessionId());
        }
    }

    private boolean isDue(Session session, Instant now) {
        return session.isLive() && (endDue(session, now) != null || commandDue(session, now) != null);
    }

    /** The reason the session ends with now, its forcing LOGOFF not carried out in time; {@code null} if none. */
    private EndReason endDue(Session session, Instant now) {
        CommandLog.Logoff forcing = limits.log().forcingLogoff(session.sessionId());
        if (forcing == null || now.isBefore(forcing.at().plus(limits.forcedEndDelay(session.poolId())))) {
            return null;
        }
        return forcing.reason();
    }

    /** The command a limit sends the session now; {@code null} if none (one with a forcing LOGOFF gets none). */
    private LimitCommand.Kind commandDue(Session session, Instant now) {
        if (limits.log().forcingLogoff(session.sessionId()) != null) {
            return null;
        }
        SessionLimits pool = limits.limitsOf(session.poolId());
        Instant created = session.createdAt();
        if (pool.limitsSessionTime() && created != null && !now.isBefore(created.plus(pool.maxSessionTime()))) {
            return LimitCommand.Kind.MAX_SESSION_TIME;
        }
        if (pool.limitsDisconnection() && session.state() == SessionState.DISCONNECTED && session.updatedAt() != null
                && !now.isBefore(session.updatedAt().plus(pool.disconnectedTimeout()))) {
            return LimitCommand.Kind.DISCONNECTED_TIMEOUT;
        }
        if (pool.limitsSessionTime() && created != null && !now.isBefore(created.plus(pool.warningAfter()))
                && !limits.log().warned(session.sessionId())) {
            return LimitCommand.Kind.MAX_SESSION_WARNING;
        }
        return null;
    }

    private void decide(Session session, Instant now, List<SessionChange> changes, List<LimitCommand> commands) {
        EndReason ending = endDue(session, now);
        if (ending != null) {
            changes.add(store.put(session, session.movedTo(SessionState.ENDED, now, ending)));
            return;
        }
        LimitCommand.Kind kind = commandDue(session, now);
        if (kind == null) {
            return;
        }
        HostCommandEvent command = switch (kind) {
            case DISCONNECTED_TIMEOUT -> logoff(session, EndReason.DISCONNECTED_TIMEOUT, now);
            case MAX_SESSION_TIME -> logoff(session, EndReason.MAX_SESSION_TIME, now);
            case MAX_SESSION_WARNING -> warning(session, now);
        };
        limits.commandSeen(command, store::get, now);
        commands.add(new LimitCommand(kind, command));
    }

    private HostCommandEvent logoff(Session session, EndReason reason, Instant now) {
        return new HostCommandEvent(HostCommandEvent.CURRENT_VERSION, commandIds.get(), session.hostId(),
                HostCommandType.LOGOFF, session.sessionId(), null, reason.name(), now);
    }

    private HostCommandEvent warning(Session session, Instant now) {
        Instant limit = session.createdAt().plus(limits.limitsOf(session.poolId()).maxSessionTime());
        long minutesLeft = Math.max(1, Duration.between(now, limit).plusSeconds(59).toMinutes());
        String message = "This session reaches its maximum time in " + minutesLeft + " minute"
                + (minutesLeft == 1 ? "" : "s") + " (at " + limit + ") and will then be logged off: save your work.";
        return new HostCommandEvent(HostCommandEvent.CURRENT_VERSION, commandIds.get(), session.hostId(),
                HostCommandType.MESSAGE, session.sessionId(), message, SessionLimits.WARNING_REASON, now);
    }
}
