package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which agent reports are believed and what they do: only the registered host a session is on, with its current
 * agent token, may report it, for the session's own user. A report for a session not known yet (the agent can be
 * faster than Kafka) creates nothing: it is held until the session's allocation arrives, then applied or dropped
 * (counted by {@link HeldReportDrop}). Not thread-safe: one event loop owns it.
 */
final class AgentReportPolicy {

    /** How far ahead of this service's clock an agent's report time is still believed. */
    static final Duration MAX_AGENT_CLOCK_LEAD = Duration.ofMinutes(5);

    private final SessionStore store;
    private final HostDirectory hosts;
    private final HeldReports heldReports;
    private final CommandLog commands;
    /** Sessions with held reports that became known through {@code berth.sessions}: released on the next call. */
    private final Set<String> releasable = new LinkedHashSet<>();
    private final Map<HeldReportDrop, Long> droppedReports = new EnumMap<>(HeldReportDrop.class);

    AgentReportPolicy(SessionStore store, HostDirectory hosts, UnknownReportHold hold, CommandLog commands) {
        this.store = store;
        this.hosts = hosts;
        this.commands = commands;
        this.heldReports = new HeldReports(hold);
    }

    /** An agent's report about one of its host's sessions; see {@link SessionRegistry#onAgentReport}. */
    ReportOutcome onAgentReport(AgentReport agentReport, AgentIdentity reporter, Instant now) {
        AgentReport report = withTrustedTime(agentReport, now);
        if (!report.hostId().equals(reporter.hostId())) {
            return refused(ReportOutcome.Refusal.NOT_THE_REPORTING_HOST,
                    "the token is for host " + reporter.hostId() + ", not " + report.hostId());
        }
        HostRegistration host = hosts.registration(report.hostId());
        if (host == null) {
            return refused(ReportOutcome.Refusal.HOST_NOT_REGISTERED,
                    "host " + report.hostId() + " is not registered in any pool");
        }
        if (host.agentTokenId() != null && !host.agentTokenId().equals(reporter.tokenId())) {
            return refused(ReportOutcome.Refusal.TOKEN_REVOKED,
                    "the agent token predates the host's current registration");
        }
        Session known = store.get(report.sessionId());
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
                store.update(after); // only the bookkeeping of the report's time
            }
            return new ReportOutcome.Accepted(List.of());
        }
        return new ReportOutcome.Accepted(List.of(store.put(known, after)));
    }

    /**
     * The session an allocation creates, {@code PENDING}, after the reports held for it; ACTIVE if its host's last
     * heartbeat already listed it (the user has logged on). Stored; the change to publish.
     */
    SessionChange created(AllocationEvent allocation, Instant now) {
        Instant createdAt = allocation.allocatedAt() != null ? allocation.allocatedAt() : now;
        Session created = new Session(allocation.sessionId(), allocation.userId(), allocation.poolId(),
                allocation.hostId(), SessionState.PENDING, createdAt, now, null, null, null);
        List<HeldReport> applied = new ArrayList<>();
        created = afterHeldReports(created, applied, now);
        if (created.state() == SessionState.PENDING && hosts.isListedByItsHost(created)) {
            created = created.movedTo(SessionState.ACTIVE, now, null);
        }
        return store.put(null, created, applied);
    }

    /**
     * The session after the reports held for it, each checked as if it had arrived now (added to {@code applied});
     * drops the others.
     */
    Session afterHeldReports(Session session, List<HeldReport> applied, Instant now) {
        Session result = session;
        for (HeldReport held : heldReports.release(session.sessionId())) {
            AgentReport report = held.report();
            if (!report.hostId().equals(result.hostId())) {
                dropped(HeldReportDrop.OTHER_HOST, 1);
            } else if (result.userId() != null && !result.userId().equals(report.userId())) {
                dropped(HeldReportDrop.OTHER_USER, 1);
            } else {
                result = afterReport(result, report, now);
                applied.add(held);
            }
        }
        return result;
    }

    /**
     * The session after a report of its own host and user: moved, or the same state when it does not move it. A
     * logoff after a LOGOFF command that forces the session's end (a limit's, the scaler's) ends it for that reason.
     */
    private Session afterReport(Session known, AgentReport report, Instant now) {
        if (report.at() != null && known.lastReportAt() != null && report.at().isBefore(known.lastReportAt())) {
            // Overtaken by a later report of the same agent: applying it now would move the session back.
            return known;
        }
        Optional<SessionState> next = SessionLifecycle.next(known.state(), report.type());
        if (next.isEmpty()) {
            return report.at() != null && known.isLive() ? known.withLastReportAt(report.at()) : known;
        }
        CommandLog.Logoff forcing = commands.forcingLogoff(known.sessionId());
        Session moved = known.movedTo(next.get(), now, forcing != null ? forcing.reason() : EndReason.LOGOFF);
        return report.at() != null ? moved.withLastReportAt(report.at()) : moved;
    }

    /** A session became known through {@code berth.sessions}: reports held for it are applied on the next release. */
    void knownFromTopic(String sessionId) {
        if (heldReports.isHolding(sessionId)) {
            releasable.add(sessionId);
        }
    }

    /** Applies the reports held for sessions that became known through {@code berth.sessions} since the last call. */
    List<SessionChange> releaseHeldReports(Instant now) {
        if (releasable.isEmpty()) {
            return List.of();
        }
        List<SessionChange> changes = new ArrayList<>();
        for (String sessionId : releasable) {
            Session known = store.get(sessionId);
            if (known == null) {
                continue; // tombstoned meanwhile; its reports stay held until they expire
            }
            List<HeldReport> applied = new ArrayList<>();
            Session after = afterHeldReports(known, applied, now);
            if (after.state() != known.state()) {
                changes.add(store.put(known, after, applied));
            } else if (after != known) {
                store.update(after);
            }
        }
        releasable.clear();
        return changes;
    }

    /** Holds again the reports a change applied, its publication having failed. */
    void holdAgain(SessionChange change) {
        heldReports.restore(change.appliedReports());
        if (change.previous() != null && !change.appliedReports().isEmpty()) {
            releasable.add(change.sessionId()); // the session stays known: apply them on the next release
        }
    }

    /** Drops the reports held for the whole hold time by {@code now}. */
    void expire(Instant now) {
        dropped(HeldReportDrop.EXPIRED, heldReports.expire(now));
    }

    long droppedReports(HeldReportDrop reason) {
        return droppedReports.getOrDefault(reason, 0L);
    }

    int heldReports() {
        return heldReports.size();
    }

    private void dropped(HeldReportDrop reason, int count) {
        if (count > 0) {
            droppedReports.merge(reason, (long) count, Long::sum);
        }
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

    private static ReportOutcome refused(ReportOutcome.Refusal refusal, String detail) {
        return new ReportOutcome.Refused(refusal, detail);
    }
}
