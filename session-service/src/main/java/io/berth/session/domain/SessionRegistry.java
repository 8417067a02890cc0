package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every session this service knows, with what it needs to decide their lifecycle: the one entry point the adapters
 * call. It coordinates the {@link SessionStore} (sessions and their indexes), the {@link HostDirectory}
 * (registrations, removals, heartbeat listings), the {@link AgentReportPolicy}, the {@link HeartbeatReconciliation},
 * the {@link DeadlineSchedule}, the {@link SessionSweep} with its {@link LimitSweep}, and the {@link CommandLog}.
 *
 * <p>Inputs are allocations, agent reports, host-health snapshots, config changes, host commands and the passing
 * of time ({@link #tick}); each decision updates the registry at once and returns the {@link SessionChange}s the
 * caller must publish on {@code berth.sessions} (and can {@link #revert} if that fails). Time is always passed in;
 * the registry reads no clock. Not thread-safe: one event loop owns it.
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

    private final HostDirectory hosts = new HostDirectory();
    private final DeadlineSchedule schedule;
    private final SessionStore store;
    private final AgentReportPolicy reports;
    private final HeartbeatReconciliation reconciliation;
    private final SessionSweep sweep;
    private final LimitSweep limitSweep;
    private final OperatorCommands operator;

    /**
     * @param endedRetention how long an ENDED session stays queryable before it is tombstoned (DESIGN.md: at
     *                       least 24 hours)
     */
    public SessionRegistry(Duration endedRetention) {
        this(endedRetention, UnknownReportHold.DEFAULTS);
    }

    /** With random command ids ({@link UUID}s). */
    public SessionRegistry(Duration endedRetention, UnknownReportHold unknownReportHold) {
        this(endedRetention, unknownReportHold, () -> UUID.randomUUID().toString());
    }

    /**
     * @param unknownReportHold how long and how many agent reports for sessions not known yet are held
     * @param commandIds        the ids of the commands it decides (random in service; predictable in tests)
     */
    public SessionRegistry(Duration endedRetention, UnknownReportHold unknownReportHold, Supplier<String> commandIds) {
        this.schedule = new DeadlineSchedule(endedRetention, hosts);
        this.store = new SessionStore(schedule);
        this.reports = new AgentReportPolicy(store, hosts, unknownReportHold, schedule.limits().log());
        this.reconciliation = new HeartbeatReconciliation(store, hosts, schedule);
        this.limitSweep = new LimitSweep(store, schedule.limits(), commandIds);
        this.sweep = new SessionSweep(store, hosts, schedule, limitSweep);
        this.operator = new OperatorCommands(store, commandIds);
    }

    // ---------------------------------------------------------------- config

    public void onPoolConfig(HostPoolConfig pool) {
        if (schedule.poolConfigured(pool)) {
            store.rearmLive(pool.poolId()); // a rare change: a scan is cheaper than a queue per pool for every limit
        }
    }

    public void onPoolRemoved(String poolId) {
        schedule.poolRemoved(poolId);
    }

    public void onHostRegistration(HostRegistration registration) {
        hosts.registered(registration);
        schedule.hostRegistered(registration.hostId());
    }

    /**
     * A host removed from its pool. Its live sessions end with {@link EndReason#HOST_REMOVED} at the next
     * {@link #tick}, which is also what makes a removal seen while replaying safe: by the time the sweep runs, the
     * replay has reached the host's later re-registration, if there is one.
     */
    public void onHostRemoved(String hostId) {
        hosts.removed(hostId);
        if (store.liveOn(hostId) != null) {
            schedule.hostRemovedWithLiveSessions(hostId);
        }
    }

    // ---------------------------------------------------------------- allocations and agent reports

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
        Session known = store.get(allocation.sessionId());
        if (known == null) {
            return List.of(reports.created(allocation, now));
        }
        if (known.poolId() == null && allocation.poolId() != null) {
            return List.of(store.put(known, known.withPoolId(allocation.poolId(), now)));
        }
        return List.of();
    }

    /**
     * An agent's report about one of its host's sessions. Only the host the session is on may report it. A report
     * for a session not known yet (the agent can be faster than Kafka) creates nothing: it is held until the
     * session's allocation arrives ({@link #onAllocation}, or its record on {@code berth.sessions}, then
     * {@link #releaseHeldReports}) and dropped if none comes within the hold time.
     */
    public ReportOutcome onAgentReport(AgentReport report, AgentIdentity reporter, Instant now) {
        return reports.onAgentReport(report, reporter, now);
    }

    /**
     * Applies the reports held for sessions that became known through {@code berth.sessions} (allocated by another
     * instance) since the last call; returns the changes to publish.
     */
    public List<SessionChange> releaseHeldReports(Instant now) {
        return reports.releaseHeldReports(now);
    }

    // ---------------------------------------------------------------- heartbeats and time

    /** A host's health snapshot: reconciles its sessions with what it lists ({@link HeartbeatReconciliation}). */
    public List<SessionChange> onHostHealth(HostHealthEvent snapshot, Instant now, Predicate<String> owns) {
        return reconciliation.onHostHealth(snapshot, now, owns);
    }

    /** A command read from {@code berth.host-commands}, entered in the {@link CommandLog}. */
    public void onHostCommand(HostCommandEvent command, Instant now) {
        schedule.limits().commandSeen(command, store::get, now);
    }

    /** A command of {@link TickResult#commands()} that Kafka refused: decided again at the next {@link #tick}. */
    public void commandRefused(LimitCommand refused) {
        limitSweep.refused(refused);
    }

    /** The periodic sweep ({@link SessionSweep}); also drops the held reports whose hold time is over. */
    public TickResult tick(Instant now, Predicate<String> owns) {
        reports.expire(now);
        return sweep.tick(now, owns);
    }

    /**
     * This instance has rebuilt its state and starts deciding. Before now, the service could not take a logon (it
     * was down, or replaying): the pending time of every session counts from now at the earliest.
     */
    public void startDeciding(Instant now) {
        schedule.limits().forgetCommandsOfUnknownSessions(store::contains);
        schedule.startCounting(now, store.all().stream()
                .filter(session -> session.state() == SessionState.PENDING).toList());
    }

    /**
     * The PENDING sessions this instance owns that their host's last heartbeat listed become ACTIVE. For ownership
     * gained after the heartbeat was read: at start (heartbeats replayed before the sessions could be decided) and
     * when partitions move here.
     */
    public List<SessionChange> activateListedPending(Instant now, Predicate<String> owns) {
        return reconciliation.activateListedPending(now, owns);
    }

    // ---------------------------------------------------------------- operator

    /** An operator's logoff: a LOGOFF command for the session's host, if the session is known and live. */
    public CommandDecision requestLogoff(String sessionId, Instant now) {
        return operator.logoff(sessionId, now);
    }

    /** An operator's message: a MESSAGE command for the session's host, if the session is known and live. */
    public CommandDecision requestMessage(String sessionId, String message, Instant now) {
        return operator.message(sessionId, message, now);
    }

    // ---------------------------------------------------------------- berth.sessions

    /**
     * A record read from {@code berth.sessions}: the replay at start, then the records this or another instance
     * published, applied unless it is older or would move an ENDED session back ({@link Session#isReplacedBy}).
     *
     * @return whether the registry changed
     */
    public boolean applyPublished(SessionEvent event) {
        if (isBlank(event.sessionId()) || event.state() == null) {
            return false;
        }
        Session known = store.get(event.sessionId());
        Session incoming = Session.fromEvent(event);
        reports.knownFromTopic(event.sessionId());
        if (known != null && !known.isReplacedBy(incoming)) {
            return false;
        }
        store.put(known, incoming);
        return true;
    }

    /**
     * Whether the registry holds {@code published} as it is on {@code berth.sessions} (bookkeeping aside): then
     * reading that record back would change nothing, so the caller may skip decoding and applying it.
     */
    public boolean holdsRecordOf(Session published) {
        Session known = store.get(published.sessionId());
        return known != null && known.sameRecordAs(published);
    }

    /** A tombstone read from {@code berth.sessions}. */
    public void applyTombstone(String sessionId) {
        store.remove(sessionId);
    }

    /**
     * Undoes a change whose publication failed, unless the session has moved on since; the held reports it applied
     * are held again, so that deciding the allocation again (or its record arriving) applies them.
     */
    public void revert(SessionChange change) {
        Session now = store.get(change.sessionId());
        if (now != change.current()) {
            return;
        }
        reports.holdAgain(change);
        if (change.previous() == null) {
            store.remove(change.sessionId());
        } else {
            store.put(now, change.previous());
        }
    }

    /** Undoes a tombstone whose publication failed: the ENDED session stays until the next sweep. */
    public void restore(Session ended) {
        if (!store.contains(ended.sessionId())) {
            store.put(null, ended);
        }
    }

    // ---------------------------------------------------------------- queries

    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(store.get(sessionId));
    }

    /** The sessions matching the query, oldest first. */
    public List<Session> list(SessionQuery query) {
        return store.list(query);
    }

    public int size() {
        return store.size();
    }

    /** How many held agent reports were dropped for {@code reason} since the start. */
    public long droppedReports(HeldReportDrop reason) {
        return reports.droppedReports(reason);
    }

    /** How many agent reports are held, waiting for their session's allocation. */
    public int heldReports() {
        return reports.heldReports();
    }

    /** The number of sessions of a pool in a state; pool {@code null} counts sessions of no known pool. */
    public long count(String poolId, SessionState state) {
        return store.count(poolId, state);
    }

    /** The pools that have or had sessions here, for the per-pool gauges ({@code null} is not listed). */
    public Set<String> poolsWithSessions() {
        return store.poolsWithSessions();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
