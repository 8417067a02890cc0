package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The periodic sweep's decisions over the sessions this instance owns: PENDING sessions past their pool's pending
 * timeout end, live sessions unlisted by their host past the grace period end, live sessions of removed hosts end,
 * the session limits decide ({@link LimitSweep}), and ENDED sessions older than the retention are removed for
 * tombstoning.
 *
 * <p>It costs what is due, not what is live: it looks at the sessions of removed hosts, at the
 * {@link DeadlineSchedule}'s entries whose time has come (each re-checked against its session, since entries stay
 * queued when sessions move on), and at the due sessions another instance owned on an earlier tick (ownership can
 * move here at any time). Not thread-safe: one event loop owns it.
 */
final class SessionSweep {

    private static final Duration NOT_OWNED_RECHECK = Duration.ofMinutes(1);

    private final SessionStore store;
    private final HostDirectory hosts;
    private final DeadlineSchedule schedule;
    private final LimitSweep limits;
    /** Sessions whose ending is due but that another instance owns: looked at again on every tick. */
    private final Set<String> dueNotOwned = new HashSet<>();

    SessionSweep(SessionStore store, HostDirectory hosts, DeadlineSchedule schedule, LimitSweep limits) {
        this.store = store;
        this.hosts = hosts;
        this.schedule = schedule;
        this.limits = limits;
    }

    TickResult tick(Instant now, Predicate<String> owns) {
        List<SessionChange> changes = new ArrayList<>();
        endSessionsOfRemovedHosts(now, owns, changes);
        recheckDueNotOwned(now, owns, changes);
        schedule.takeDue(now, store::get, session -> endIfDue(session, now, owns, changes));
        List<LimitCommand> commands = new ArrayList<>();
        limits.tick(now, owns, changes, commands);
        List<Session> tombstones = new ArrayList<>();
        List<DeadlineSchedule.TombstoneDue> notOwned = new ArrayList<>();
        for (DeadlineSchedule.TombstoneDue due : schedule.takeTombstonesDue(now)) {
            Session session = store.get(due.sessionId());
            // Entries are not removed when a session changes: skip the ones that no longer hold.
            if (session == null || session.state() != SessionState.ENDED || session.updatedAt() == null
                    || now.isBefore(session.updatedAt().plus(schedule.endedRetention()))) {
                continue;
            }
            if (owns.test(due.sessionId())) {
                store.remove(due.sessionId());
                tombstones.add(session);
            } else {
                // Its owner tombstones it; look again later in case this instance becomes the owner.
                notOwned.add(new DeadlineSchedule.TombstoneDue(now.plus(NOT_OWNED_RECHECK), due.sessionId()));
            }
        }
        notOwned.forEach(schedule::tombstoneDue);
        changes.sort(Comparator.comparing(SessionChange::sessionId));
        tombstones.sort(Comparator.comparing(Session::sessionId));
        return new TickResult(changes, tombstones, commands);
    }

    /** Ends the live sessions of removed hosts that this instance owns; forgets the hosts that have none left. */
    private void endSessionsOfRemovedHosts(Instant now, Predicate<String> owns, List<SessionChange> changes) {
        for (Iterator<String> removed = schedule.removedHostsWithLiveSessions(); removed.hasNext(); ) {
            Set<String> live = store.liveOn(removed.next());
            if (live == null) {
                removed.remove();
                continue;
            }
            for (String sessionId : List.copyOf(live)) {
                if (owns.test(sessionId)) {
                    Session session = store.get(sessionId);
                    changes.add(store.put(session, session.movedTo(SessionState.ENDED, now, EndReason.HOST_REMOVED)));
                }
            }
        }
    }

    /**
     * The sessions that were due on an earlier tick while another instance owned them: ended if this instance
     * owns them now, forgotten once they have ended or are no longer due (queued again if they wait anew).
     */
    private void recheckDueNotOwned(Instant now, Predicate<String> owns, List<SessionChange> changes) {
        for (Iterator<String> due = dueNotOwned.iterator(); due.hasNext(); ) {
            String sessionId = due.next();
            Session session = store.get(sessionId);
            if (session == null || !session.isLive()) {
                due.remove();
                continue;
            }
            EndReason ending = endingDue(session, now);
            if (ending == null) {
                due.remove();
                schedule.arm(null, session);
            } else if (owns.test(sessionId)) {
                due.remove();
                changes.add(store.put(session, session.movedTo(SessionState.ENDED, now, ending)));
            }
        }
    }

    /** A session whose queued wait is over: it ends, or waits for its owner. */
    private void endIfDue(Session session, Instant now, Predicate<String> owns, List<SessionChange> changes) {
        EndReason ending = endingDue(session, now);
        if (ending == null) {
            return;
        }
        if (owns.test(session.sessionId())) {
            changes.add(store.put(session, session.movedTo(SessionState.ENDED, now, ending)));
        } else {
            dueNotOwned.add(session.sessionId());
        }
    }

    private EndReason endingDue(Session session, Instant now) {
        if (hosts.isRemoved(session.hostId())) {
            return EndReason.HOST_REMOVED;
        }
        PoolTimings timings = schedule.timingsOf(session.poolId());
        if (session.state() == SessionState.PENDING) {
            Instant pendingSince = schedule.pendingSince(session);
            if (pendingSince != null && !now.isBefore(pendingSince.plus(timings.pendingTimeout()))) {
                return EndReason.PENDING_TIMEOUT;
            }
            return null;
        }
        if (session.unlistedSince() != null
                && !now.isBefore(session.unlistedSince().plus(timings.reconciliationGrace()))) {
            // Gone from its host after a LOGOFF that forces its end: the agent did log it off, for that reason.
            CommandLog.Logoff forcing = schedule.limits().log().forcingLogoff(session.sessionId());
            return forcing != null ? forcing.reason() : EndReason.NOT_REPORTED_BY_HOST;
        }
        return null;
    }
}
