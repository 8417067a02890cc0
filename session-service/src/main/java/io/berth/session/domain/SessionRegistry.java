package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every session this service knows, with what it needs to decide their lifecycle: the pools' timings, the hosts'
 * registrations, and what each host's last heartbeat listed.
 *
 * <p>Inputs are broker allocations, agent reports, host-health snapshots, config changes and the passing of time
 * ({@link #tick}); each decision updates the registry at once and returns the {@link SessionChange}s the caller
 * must publish on {@code berth.sessions} (and can {@link #revert} if that fails). Time is always passed in; the
 * registry reads no clock. Not thread-safe: one event loop owns it.
 *
 * <p>Only the broker's allocations create sessions (DESIGN.md 7.8): an agent report for a session not known yet is
 * held for a bounded time until its allocation is read, then applied or dropped, and a heartbeat listing a session
 * id never allocated creates nothing.
 *
 * <p>Writes are partitioned by ownership: the {@code owns} predicates say which sessions this instance may decide
 * for (with several instances, those of its assigned partitions). Everything else is still tracked, so any
 * instance can answer queries.
 */
public final class SessionRegistry {

    /** How far ahead of this service's clock an agent's report time is still believed. */
    static final Duration MAX_AGENT_CLOCK_LEAD = Duration.ofMinutes(5);

    private static final Duration NOT_OWNED_RECHECK = Duration.ofMinutes(1);

    private final Duration endedRetention;
    private final HeldReports heldReports;
    /** Sessions with held reports that became known through {@code berth.sessions}: released on the next call. */
    private final Set<String> releasable = new LinkedHashSet<>();
    private final Map<HeldReportDrop, Long> droppedReports = new EnumMap<>(HeldReportDrop.class);
    /** What each host's last heartbeat (evidence only) listed: the sessions its users are logged on to. */
    private final Map<String, Set<String>> lastListed = new HashMap<>();
    /** When this instance started deciding: no pending time counts before it (the service could not know). */
    private Instant countingFrom;

    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Set<String>> liveSessionsByHost = new HashMap<>();
    /*
     * What the sweep decides, kept so that a tick looks only at what is due, never at every live session: PENDING
     * sessions by when they became pending (per pool, for its pending timeout), live sessions by when their host
     * stopped listing them (per pool, for its reconciliation grace), removed hosts that still have live sessions,
     * and ENDED sessions by when their tombstone is due. Queue keys are pool ids ({@code null} for no pool).
     */
    private final Map<String, DeadlineQueue> pendingByPool = new HashMap<>();
    private final Map<String, DeadlineQueue> unlistedByPool = new HashMap<>();
    private final Set<String> removedHostsWithLiveSessions = new HashSet<>();
    /** Sessions whose ending is due but that another instance owns: looked at again on every tick. */
    private final Set<String> dueNotOwned = new HashSet<>();
    private final PriorityQueue<TombstoneDue> tombstonesDue =
            new PriorityQueue<>(Comparator.comparing(TombstoneDue::at));
    /** Sessions per pool key and state, indexed by {@link SessionState#ordinal()}. */
    private final Map<String, long[]> countsByPool = new HashMap<>();
    private final Map<String, PoolTimings> poolTimings = new HashMap<>();
    private final Map<String, HostRecord> hosts = new HashMap<>();
    private final Set<String> removedHosts = new HashSet<>();

    /** What the registry knows of a host: its pool and, once registered, its current agent token id. */
    private record HostRecord(String poolId, boolean registered, String agentTokenId) {
    }

    /**
     * @param endedRetention how long an ENDED session stays queryable before it is tombstoned (DESIGN.md: at
     *                       least 24 hours)
     */
    public SessionRegistry(Duration endedRetention) {
        this(endedRetention, UnknownReportHold.DEFAULTS);
    }

    /**
     * @param unknownReportHold how long and how many agent reports for sessions not known yet are held
     */
    public SessionRegistry(Duration endedRetention, UnknownReportHold unknownReportHold) {
        this.endedRetention = Objects.requireNonNull(endedRetention, "endedRetention");
        this.heldReports = new HeldReports(unknownReportHold);
    }

    // ---------------------------------------------------------------- config

    public void onPoolConfig(HostPoolConfig pool) {
        poolTimings.put(pool.poolId(), new PoolTimings(pool.heartbeatSeconds(), pool.pendingTimeoutSeconds()));
    }

    public void onPoolRemoved(String poolId) {
        poolTimings.remove(poolId);
    }

    private PoolTimings timingsOf(String poolId) {
        return poolId == null ? PoolTimings.DEFAULTS : poolTimings.getOrDefault(poolId, PoolTimings.DEFAULTS);
    }

    public void onHostRegistration(HostRegistration registration) {
        hosts.put(registration.hostId(),
                new HostRecord(registration.poolId(), true, registration.agentTokenId()));
        removedHosts.remove(registration.hostId());
        removedHostsWithLiveSessions.remove(registration.hostId());
    }

    /**
     * A host removed from its pool. Its live sessions end with {@link EndReason#HOST_REMOVED} at the next
     * {@link #tick}, which is also what makes a removal seen while replaying safe: by the time the sweep runs, the
     * replay has reached the host's later re-registration, if there is one.
     */
    public void onHostRemoved(String hostId) {
        hosts.remove(hostId);
        lastListed.remove(hostId);
        removedHosts.add(hostId);
        if (liveSessionsByHost.containsKey(hostId)) {
            removedHostsWithLiveSessions.add(hostId);
        }
    }

    // ---------------------------------------------------------------- allocations

    /**
     * A broker allocation: a session seen for the first time starts {@code PENDING}, and the agent reports held for
     * it are applied in their order (a LOGON held makes it ACTIVE); if its host's last heartbeat already listed it,
     * the user has logged on and it is ACTIVE. Either way one record is published. A known session (a duplicate, or
     * one ended before its allocation was seen) does not move; it only learns its pool if it had none.
     */
    public List<SessionChange> onAllocation(AllocationEvent allocation, Instant now) {
        if (isBlank(allocation.sessionId()) || isBlank(allocation.hostId())) {
            return List.of();
        }
        Session known = sessions.get(allocation.sessionId());
        if (known == null) {
            Instant createdAt = allocation.allocatedAt() != null ? allocation.allocatedAt() : now;
            Session created = new Session(allocation.sessionId(), allocation.userId(), allocation.poolId(),
                    allocation.hostId(), SessionState.PENDING, createdAt, now, null, null, null);
            List<HeldReport> applied = new ArrayList<>();
            created = afterHeldReports(created, applied, now);
            if (created.state() == SessionState.PENDING && isListedByItsHost(created)) {
                created = created.movedTo(SessionState.ACTIVE, now, null);
            }
            return List.of(put(null, created, applied));
        }
        if (known.poolId() == null && allocation.poolId() != null) {
            return List.of(put(known, known.withPoolId(allocation.poolId(), now)));
        }
        return List.of();
    }

    /**
     * The session after the reports held for it, each checked as if it had arrived now (added to {@code applied});
     * drops the others.
     */
    private Session afterHeldReports(Session session, List<HeldReport> applied, Instant now) {
        Session result = session;
        for (HeldReport held : heldReports.release(session.sessionId())) {
            AgentReport report = held.report();
            if (!report.hostId().equals(result.hostId())) {
                dropped(HeldReportDrop.OTHER_HOST);
            } else if (result.userId() != null && !result.userId().equals(report.userId())) {
                dropped(HeldReportDrop.OTHER_USER);
            } else {
                result = afterReport(result, report, now);
                applied.add(held);
            }
        }
        return result;
    }

    private boolean isListedByItsHost(Session session) {
        Set<String> listed = lastListed.get(session.hostId());
        return listed != null && listed.contains(session.sessionId());
    }

    private void dropped(HeldReportDrop reason) {
        droppedReports.merge(reason, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- agent reports

    /**
     * An agent's report about one of its host's sessions. Only the host the session is on may report it. A report
     * for a session not known yet (the agent can be faster than Kafka) creates nothing: it is held until the
     * session's allocation arrives ({@link #onAllocation}, or its record on {@code berth.sessions}, then
     * {@link #releaseHeldReports}) and dropped if none comes within the hold time.
     */
    public ReportOutcome onAgentReport(AgentReport agentReport, AgentIdentity reporter, Instant now) {
        AgentReport report = withTrustedTime(agentReport, now);
        if (!report.hostId().equals(reporter.hostId())) {
            return refused(ReportOutcome.Refusal.NOT_THE_REPORTING_HOST,
                    "the token is for host " + reporter.hostId() + ", not " + report.hostId());
        }
        HostRecord host = hosts.get(report.hostId());
        if (host == null || !host.registered()) {
            return refused(ReportOutcome.Refusal.HOST_NOT_REGISTERED,
                    "host " + report.hostId() + " is not registered in any pool");
        }
        if (host.agentTokenId() != null && !host.agentTokenId().equals(reporter.tokenId())) {
            return refused(ReportOutcome.Refusal.TOKEN_REVOKED,
                    "the agent token predates the host's current registration");
        }
        Session known = sessions.get(report.sessionId());
        if (known == null) {
            if (heldReports.hold(report, now)) {
                return new ReportOutcome.Held();
            }
            return refused(ReportOutcome.Refusal.TOO_MANY_HELD, "too many reports for sessions not allocated yet "
                    + "are waiting; retry later");
        }
        if (!report.hostId().equals(known.hostId())) {
            return refused(ReportOutcome.Refusal.SESSION_ON_ANOTHER_HOST,
                    "session " + known.sessionId() + " is not on host " + report.hostId());
        }
        if (known.userId() != null && !known.userId().equals(report.userId())) {
            return refused(ReportOutcome.Refusal.SESSION_OF_ANOTHER_USER,
                    "session " + known.sessionId() + " belongs to another user");
        }
        Session after = afterReport(known, report, now);
        if (after.state() == known.state()) {
            if (after != known) {
                sessions.put(known.sessionId(), after); // only the bookkeeping of the report's time
            }
            return new ReportOutcome.Accepted(List.of());
        }
        return new ReportOutcome.Accepted(List.of(put(known, after)));
    }

    /** The session after a report of its own host and user: moved, or the same state when it does not move it. */
    private static Session afterReport(Session known, AgentReport report, Instant now) {
        if (report.at() != null && known.lastReportAt() != null && report.at().isBefore(known.lastReportAt())) {
            // Overtaken by a later report of the same agent: applying it now would move the session back.
            return known;
        }
        Optional<SessionState> next = SessionLifecycle.next(known.state(), report.type());
        if (next.isEmpty()) {
            return report.at() != null && known.isLive() ? known.withLastReportAt(report.at()) : known;
        }
        Session moved = known.movedTo(next.get(), now, EndReason.LOGOFF);
        return report.at() != null ? moved.withLastReportAt(report.at()) : moved;
    }

    /**
     * Applies the reports held for sessions that became known through {@code berth.sessions} (allocated by another
     * instance) since the last call; returns the changes to publish.
     */
    public List<SessionChange> releaseHeldReports(Instant now) {
        if (releasable.isEmpty()) {
            return List.of();
        }
        List<SessionChange> changes = new ArrayList<>();
        for (String sessionId : releasable) {
            Session known = sessions.get(sessionId);
            if (known == null) {
                continue; // tombstoned meanwhile; its reports stay held until they expire
            }
            List<HeldReport> applied = new ArrayList<>();
            Session after = afterHeldReports(known, applied, now);
            if (after.state() != known.state()) {
                changes.add(put(known, after, applied));
            } else if (after != known) {
                sessions.put(sessionId, after);
            }
        }
        releasable.clear();
        return changes;
    }

    /**
     * An agent time far ahead of this service's clock would make every later report of the session look stale:
     * such a report is taken as if it had no time.
     */
    private static AgentReport withTrustedTime(AgentReport report, Instant now) {
        if (report.at() != null && report.at().isAfter(now.plus(MAX_AGENT_CLOCK_LEAD))) {
            return new AgentReport(report.sessionId(), report.type(), report.userId(), report.hostId(), null);
        }
        return report;
    }

    // ---------------------------------------------------------------- heartbeats

    /**
     * A host's health snapshot. It tells the host's pool (for sessions reported before they were allocated) and
     * which sessions the host still has: a live, non-PENDING session it does not list is marked, and ends in
     * {@link #tick} once it has stayed unlisted for the pool's {@link PoolTimings#reconciliationGrace()}; a listed
     * one is unmarked. A PENDING session the host lists has been logged on to (its LOGON report was lost or is
     * late) and becomes ACTIVE. A snapshot not built from a heartbeat (a {@code NO_HEARTBEAT} or {@code UNAVAILABLE}
     * host) is no evidence either way and clears the marks.
     *
     * <p>A heartbeat taken before the session last changed says nothing about it (a heartbeat sent just before a
     * logon does not list the new session), so it does not mark it.
     */
    public List<SessionChange> onHostHealth(HostHealthEvent snapshot, Instant now, Predicate<String> owns) {
        if (isBlank(snapshot.hostId())) {
            return List.of();
        }
        HostRecord host = hosts.get(snapshot.hostId());
        if (host == null) {
            hosts.put(snapshot.hostId(), new HostRecord(snapshot.poolId(), false, null));
        } else if (snapshot.poolId() != null && !snapshot.poolId().equals(host.poolId())) {
            hosts.put(snapshot.hostId(), new HostRecord(snapshot.poolId(), host.registered(), host.agentTokenId()));
        }
        boolean evidence = isEvidence(snapshot);
        Set<String> listed = evidence ? new HashSet<>(snapshot.sessionIds()) : Set.of();
        if (evidence) {
            lastListed.put(snapshot.hostId(), listed);
        }
        Set<String> live = liveSessionsByHost.get(snapshot.hostId());
        if (live == null) {
            return List.of();
        }
        List<Session> loggedOn = null;
        // Only bookkeeping inside the loop (no change to the host's live set); the moves come after it.
        for (String sessionId : live) {
            Session session = sessions.get(sessionId);
            if (!evidence || listed.contains(sessionId)) {
                if (session.unlistedSince() != null) {
                    session = session.withUnlistedSince(null);
                    sessions.put(sessionId, session);
                }
                if (evidence && session.state() == SessionState.PENDING && owns.test(sessionId)) {
                    if (loggedOn == null) {
                        loggedOn = new ArrayList<>();
                    }
                    loggedOn.add(session);
                }
            } else if (session.state() != SessionState.PENDING && session.unlistedSince() == null
                    && !takenBefore(snapshot, session)) {
                Session marked = session.withUnlistedSince(now);
                sessions.put(sessionId, marked);
                arm(session, marked);
            }
        }
        if (loggedOn == null) {
            return List.of();
        }
        List<SessionChange> changes = new ArrayList<>(loggedOn.size());
        for (Session session : loggedOn) {
            changes.add(put(session, session.movedTo(SessionState.ACTIVE, now, null)));
        }
        return changes;
    }

    /**
     * Only a snapshot built from a heartbeat says which sessions a host has: not one for a host that stopped
     * heartbeating ({@code NO_HEARTBEAT}), nor one for a host registered that has not reported yet
     * ({@code UNAVAILABLE} without a heartbeat).
     */
    private static boolean isEvidence(HostHealthEvent snapshot) {
        return snapshot.lastHeartbeat() != null && snapshot.health() != Health.NO_HEARTBEAT
                && snapshot.health() != Health.UNAVAILABLE;
    }

    private static boolean takenBefore(HostHealthEvent snapshot, Session session) {
        return snapshot.lastHeartbeat() != null && session.updatedAt() != null
                && snapshot.lastHeartbeat().isBefore(session.updatedAt());
    }

    // ---------------------------------------------------------------- time

    /**
     * The periodic sweep over the sessions this instance owns: PENDING sessions past their pool's pending timeout
     * end, live sessions unlisted by their host past the grace period end, live sessions of removed hosts end, and
     * ENDED sessions older than the retention are removed and returned for tombstoning.
     *
     * <p>It costs what is due, not what is live: it looks at the sessions of removed hosts, at the queue entries
     * whose time has come (each re-checked against its session, since entries stay queued when sessions move on),
     * and at the due sessions another instance owned on an earlier tick (ownership can move here at any time).
     */
    public TickResult tick(Instant now, Predicate<String> owns) {
        int expired = heldReports.expire(now);
        if (expired > 0) {
            droppedReports.merge(HeldReportDrop.EXPIRED, (long) expired, Long::sum);
        }
        List<SessionChange> changes = new ArrayList<>();
        endSessionsOfRemovedHosts(now, owns, changes);
        recheckDueNotOwned(now, owns, changes);
        endDue(pendingByPool, PoolTimings::pendingTimeout,
                session -> session.state() == SessionState.PENDING ? pendingSince(session) : null, now, owns, changes);
        endDue(unlistedByPool, PoolTimings::reconciliationGrace,
                session -> isUnlistedLive(session) ? session.unlistedSince() : null, now, owns, changes);
        List<Session> tombstones = new ArrayList<>();
        List<TombstoneDue> notOwned = new ArrayList<>();
        while (!tombstonesDue.isEmpty() && !now.isBefore(tombstonesDue.peek().at())) {
            TombstoneDue due = tombstonesDue.poll();
            Session session = sessions.get(due.sessionId());
            // Entries are not removed when a session changes: skip the ones that no longer hold.
            if (session == null || session.state() != SessionState.ENDED || session.updatedAt() == null
                    || now.isBefore(session.updatedAt().plus(endedRetention))) {
                continue;
            }
            if (owns.test(due.sessionId())) {
                remove(due.sessionId());
                tombstones.add(session);
            } else {
                // Its owner tombstones it; look again later in case this instance becomes the owner.
                notOwned.add(new TombstoneDue(now.plus(NOT_OWNED_RECHECK), due.sessionId()));
            }
        }
        tombstonesDue.addAll(notOwned);
        changes.sort(Comparator.comparing(SessionChange::sessionId));
        tombstones.sort(Comparator.comparing(Session::sessionId));
        return new TickResult(changes, tombstones);
    }

    /** An ended session and when its tombstone is due (or due to be looked at again). */
    private record TombstoneDue(Instant at, String sessionId) {
    }

    /** Ends the live sessions of removed hosts that this instance owns; forgets the hosts that have none left. */
    private void endSessionsOfRemovedHosts(Instant now, Predicate<String> owns, List<SessionChange> changes) {
        for (Iterator<String> removed = removedHostsWithLiveSessions.iterator(); removed.hasNext(); ) {
            Set<String> live = liveSessionsByHost.get(removed.next());
            if (live == null) {
                removed.remove();
                continue;
            }
            for (String sessionId : List.copyOf(live)) {
                if (owns.test(sessionId)) {
                    Session session = sessions.get(sessionId);
                    changes.add(put(session, session.movedTo(SessionState.ENDED, now, EndReason.HOST_REMOVED)));
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
            Session session = sessions.get(sessionId);
            if (session == null || !session.isLive()) {
                due.remove();
                continue;
            }
            EndReason ending = endingDue(session, now);
            if (ending == null) {
                due.remove();
                arm(null, session);
            } else if (owns.test(sessionId)) {
                due.remove();
                changes.add(put(session, session.movedTo(SessionState.ENDED, now, ending)));
            }
        }
    }

    /**
     * A session taken from a deadline queue whose entry still holds, so it is due (the queue's delay is the one
     * {@link #endingDue} applies): it ends, or waits for its owner.
     */
    private void endIfDue(Session session, Instant now, Predicate<String> owns, List<SessionChange> changes) {
        EndReason ending = endingDue(session, now);
        if (ending == null) {
            return;
        }
        if (owns.test(session.sessionId())) {
            changes.add(put(session, session.movedTo(SessionState.ENDED, now, ending)));
        } else {
            dueNotOwned.add(session.sessionId());
        }
    }

    private EndReason endingDue(Session session, Instant now) {
        if (session.hostId() != null && removedHosts.contains(session.hostId())) {
            return EndReason.HOST_REMOVED;
        }
        PoolTimings timings = timingsOf(session.poolId());
        if (session.state() == SessionState.PENDING) {
            Instant pendingSince = pendingSince(session);
            if (pendingSince != null && !now.isBefore(pendingSince.plus(timings.pendingTimeout()))) {
                return EndReason.PENDING_TIMEOUT;
            }
            return null;
        }
        if (session.unlistedSince() != null
                && !now.isBefore(session.unlistedSince().plus(timings.reconciliationGrace()))) {
            return EndReason.NOT_REPORTED_BY_HOST;
        }
        return null;
    }

    /**
     * When a PENDING session's timeout starts: when this service could first know of it. That is the allocation's
     * time for a live service, but never earlier than {@link Session#READ_LAG_ALLOWANCE} before it was read, nor
     * than when this instance started deciding ({@link #startDeciding}).
     */
    private Instant pendingSince(Session session) {
        Instant since = session.pendingSince();
        return since != null && countingFrom != null ? latest(since, countingFrom) : since;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    // ---------------------------------------------------------------- start and ownership

    /**
     * This instance has rebuilt its state and starts deciding. Before now, the service could not take a logon (it
     * was down, or replaying): the pending time of every session counts from now at the earliest.
     */
    public void startDeciding(Instant now) {
        countingFrom = now;
        for (Session session : sessions.values()) {
            if (session.state() == SessionState.PENDING) {
                arm(null, session);
            }
        }
    }

    /**
     * The PENDING sessions this instance owns that their host's last heartbeat listed become ACTIVE. For ownership
     * gained after the heartbeat was read: at start (heartbeats replayed before the sessions could be decided) and
     * when partitions move here.
     */
    public List<SessionChange> activateListedPending(Instant now, Predicate<String> owns) {
        List<SessionChange> changes = new ArrayList<>();
        for (Map.Entry<String, Set<String>> host : lastListed.entrySet()) {
            for (String sessionId : host.getValue()) {
                Session session = sessions.get(sessionId);
                if (session != null && session.state() == SessionState.PENDING
                        && host.getKey().equals(session.hostId()) && owns.test(sessionId)) {
                    changes.add(put(session, session.movedTo(SessionState.ACTIVE, now, null)));
                }
            }
        }
        return changes;
    }

    /** A live session past PENDING that its host has stopped listing: it waits out the reconciliation grace. */
    private static boolean isUnlistedLive(Session session) {
        return session.isLive() && session.state() != SessionState.PENDING && session.unlistedSince() != null;
    }

    // ---------------------------------------------------------------- operator

    /** An operator's logoff: a LOGOFF command for the session's host, if the session is known and live. */
    public LogoffDecision requestLogoff(String sessionId, Instant now) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return new LogoffDecision.UnknownSession();
        }
        if (!session.isLive()) {
            return new LogoffDecision.AlreadyEnded();
        }
        return new LogoffDecision.SendCommand(new HostCommandEvent(HostCommandEvent.CURRENT_VERSION,
                session.hostId(), HostCommandType.LOGOFF, session.sessionId(), now));
    }

    // ---------------------------------------------------------------- berth.sessions

    /**
     * A record read from {@code berth.sessions}: the replay at start, and afterwards the records this or another
     * instance published. A record older than what the registry holds (this instance's own earlier write coming
     * back) is ignored, and so is a record that would move an ENDED session back: ENDED is terminal.
     *
     * @return whether the registry changed
     */
    public boolean applyPublished(SessionEvent event) {
        if (isBlank(event.sessionId()) || event.state() == null) {
            return false;
        }
        Session known = sessions.get(event.sessionId());
        Session incoming = Session.fromEvent(event);
        if (heldReports.isHolding(event.sessionId())) {
            releasable.add(event.sessionId());
        }
        if (known != null) {
            if (known.sameRecordAs(incoming)) {
                return false;
            }
            if (known.state() == SessionState.ENDED && incoming.state() != SessionState.ENDED) {
                return false;
            }
            if (known.updatedAt() != null && incoming.updatedAt() != null
                    && incoming.updatedAt().isBefore(known.updatedAt())) {
                return false;
            }
        }
        put(known, incoming);
        return true;
    }

    /**
     * Whether the registry holds {@code published} as it is on {@code berth.sessions} (bookkeeping aside): then
     * reading that record back would change nothing, so the caller may skip decoding and applying it.
     */
    public boolean holdsRecordOf(Session published) {
        Session known = sessions.get(published.sessionId());
        return known != null && known.sameRecordAs(published);
    }

    /** A tombstone read from {@code berth.sessions}. */
    public void applyTombstone(String sessionId) {
        remove(sessionId);
    }

    /**
     * Undoes a change whose publication failed, unless the session has moved on since; the held reports it applied
     * are held again, so that deciding the allocation again (or its record arriving) applies them.
     */
    public void revert(SessionChange change) {
        Session now = sessions.get(change.sessionId());
        if (now != change.current()) {
            return;
        }
        heldReports.restore(change.appliedReports());
        if (change.previous() != null && !change.appliedReports().isEmpty()) {
            releasable.add(change.sessionId()); // the session stays known: apply them on the next release
        }
        if (change.previous() == null) {
            remove(change.sessionId());
        } else {
            put(now, change.previous());
        }
    }

    /** Undoes a tombstone whose publication failed: the ENDED session stays until the next sweep. */
    public void restore(Session ended) {
        if (!sessions.containsKey(ended.sessionId())) {
            put(null, ended);
        }
    }

    // ---------------------------------------------------------------- queries

    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    /** The sessions matching the query, oldest first. */
    public List<Session> list(SessionQuery query) {
        Collection<Session> candidates = sessions.values();
        if (query.hostId() != null && query.state() != null && query.state().isLive()) {
            candidates = liveSessionsByHost.getOrDefault(query.hostId(), Set.of()).stream()
                    .map(sessions::get).toList();
        }
        return candidates.stream()
                .filter(query::matches)
                .sorted(Comparator.comparing(Session::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(Session::sessionId))
                .toList();
    }

    public int size() {
        return sessions.size();
    }

    /** How many held agent reports were dropped for {@code reason} since the start. */
    public long droppedReports(HeldReportDrop reason) {
        return droppedReports.getOrDefault(reason, 0L);
    }

    /** How many agent reports are held, waiting for their session's allocation. */
    public int heldReports() {
        return heldReports.size();
    }

    /** The number of sessions of a pool in a state; pool {@code null} counts sessions of no known pool. */
    public long count(String poolId, SessionState state) {
        long[] counts = countsByPool.get(poolKey(poolId));
        return counts == null ? 0 : counts[state.ordinal()];
    }

    /** The pools that have or had sessions here, for the per-pool gauges ({@code null} is not listed). */
    public Set<String> poolsWithSessions() {
        Set<String> pools = new LinkedHashSet<>(countsByPool.keySet());
        pools.remove(NO_POOL);
        return pools;
    }

    // ---------------------------------------------------------------- internals

    private static final String NO_POOL = "";

    private SessionChange put(Session previous, Session next) {
        return put(previous, next, List.of());
    }

    private SessionChange put(Session previous, Session next, List<HeldReport> appliedReports) {
        Session replaced = sessions.put(next.sessionId(), next);
        reindex(replaced, next);
        return new SessionChange(previous, next, appliedReports);
    }

    private void remove(String sessionId) {
        Session removed = sessions.remove(sessionId);
        if (removed != null) {
            reindex(removed, null);
        }
    }

    /**
     * Brings the indexes from {@code before} (the session the map held, or {@code null}) to {@code after} (the one
     * it holds now, or {@code null} once removed), touching only what a field that changed requires: a logon, the
     * most common change, moves neither the host's live set nor the pool's key, so it costs one count update.
     */
    private void reindex(Session before, Session after) {
        String sessionId = before != null ? before.sessionId() : after.sessionId();
        String liveHostBefore = before != null && before.isLive() ? before.hostId() : null;
        String liveHostAfter = after != null && after.isLive() ? after.hostId() : null;
        if (!Objects.equals(liveHostBefore, liveHostAfter)) {
            if (liveHostBefore != null) {
                removeLive(liveHostBefore, sessionId);
            }
            if (liveHostAfter != null) {
                addLive(liveHostAfter, sessionId);
            }
        }
        recount(before, after);
        if (after != null && after.state() == SessionState.ENDED && after.updatedAt() != null
                && (before == null || before.state() != SessionState.ENDED
                || !after.updatedAt().equals(before.updatedAt()))) {
            tombstonesDue.add(new TombstoneDue(after.updatedAt().plus(endedRetention), sessionId));
        }
        if (after != null) {
            arm(before, after);
        }
    }

    private void addLive(String hostId, String sessionId) {
        Set<String> live = liveSessionsByHost.get(hostId);
        if (live == null) {
            live = new HashSet<>();
            liveSessionsByHost.put(hostId, live);
            if (removedHosts.contains(hostId)) {
                removedHostsWithLiveSessions.add(hostId);
            }
        }
        live.add(sessionId);
    }

    private void removeLive(String hostId, String sessionId) {
        Set<String> live = liveSessionsByHost.get(hostId);
        if (live != null && live.remove(sessionId) && live.isEmpty()) {
            liveSessionsByHost.remove(hostId);
        }
    }

    private void recount(Session before, Session after) {
        if (before != null && after != null && Objects.equals(poolKey(before.poolId()), poolKey(after.poolId()))) {
            if (before.state() != after.state()) {
                long[] counts = counts(before.poolId());
                counts[before.state().ordinal()]--;
                counts[after.state().ordinal()]++;
            }
            return;
        }
        if (before != null) {
            counts(before.poolId())[before.state().ordinal()]--;
        }
        if (after != null) {
            counts(after.poolId())[after.state().ordinal()]++;
        }
    }

    private long[] counts(String poolId) {
        return countsByPool.computeIfAbsent(poolKey(poolId), p -> new long[SessionState.values().length]);
    }

    /**
     * Queues the timed decision {@code after} waits for, unless {@code before} (whose entry, still queued or
     * among {@link #dueNotOwned}, holds for {@code after} too) waited for the same one.
     */
    private void arm(Session before, Session after) {
        if (after.state() == SessionState.PENDING) {
            Instant since = pendingSince(after);
            if (since != null && !(before != null && before.state() == SessionState.PENDING
                    && Objects.equals(before.poolId(), after.poolId()) && since.equals(pendingSince(before)))) {
                queue(pendingByPool, after.poolId()).add(after.sessionId(), since);
            }
        } else if (isUnlistedLive(after) && !(before != null && isUnlistedLive(before)
                && Objects.equals(before.poolId(), after.poolId())
                && after.unlistedSince().equals(before.unlistedSince()))) {
            queue(unlistedByPool, after.poolId()).add(after.sessionId(), after.unlistedSince());
        }
    }

    /**
     * Ends the sessions of {@code byPool}'s queues whose wait of their pool's {@code delay} is over. A polled entry
     * counts only if its session is still waiting in that pool since the same instant ({@code waitingSince} answers
     * null for a session that no longer waits); entries are not removed when sessions move on.
     */
    private void endDue(Map<String, DeadlineQueue> byPool, Function<PoolTimings, Duration> delay,
                        Function<Session, Instant> waitingSince, Instant now, Predicate<String> owns,
                        List<SessionChange> changes) {
        for (Iterator<Map.Entry<String, DeadlineQueue>> pools = byPool.entrySet().iterator(); pools.hasNext(); ) {
            Map.Entry<String, DeadlineQueue> pool = pools.next();
            Duration wait = delay.apply(timingsOf(pool.getKey()));
            DeadlineQueue.Waiting due;
            while ((due = pool.getValue().pollDue(now, wait)) != null) {
                Session session = sessions.get(due.sessionId());
                if (session != null && Objects.equals(session.poolId(), pool.getKey())
                        && due.since().equals(waitingSince.apply(session))) {
                    endIfDue(session, now, owns, changes);
                }
            }
            if (pool.getValue().isEmpty()) {
                pools.remove();
            }
        }
    }

    private static DeadlineQueue queue(Map<String, DeadlineQueue> byPool, String poolId) {
        DeadlineQueue queue = byPool.get(poolId);
        if (queue == null) {
            queue = new DeadlineQueue();
            byPool.put(poolId, queue);
        }
        return queue;
    }

    private static String poolKey(String poolId) {
        return poolId == null ? NO_POOL : poolId;
    }

    private static ReportOutcome refused(ReportOutcome.Refusal refusal, String detail) {
        return new ReportOutcome.Refused(refusal, detail);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
