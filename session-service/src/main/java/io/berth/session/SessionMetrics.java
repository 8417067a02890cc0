package io.berth.session;

import io.berth.common.events.EndReason;
import io.berth.common.events.SessionState;
import io.berth.session.domain.HeldReportDrop;
import io.berth.session.domain.LimitCommand;
import io.berth.session.domain.SessionChange;
import io.berth.session.domain.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session service's meters: {@code berth_sessions{pool,state}}, {@code berth_session_transitions_total{from,to}},
 * {@code berth_session_reconciliation_endings_total{reason}}, {@code berth_session_pending_timeouts_total},
 * {@code berth_session_reports_dropped_total{reason}}, {@code berth_session_reports_held},
 * {@code berth_session_limit_commands_total{kind}} and {@code berth_session_forced_endings_total{reason}}.
 * The gauges read a copy of the registry's counts refreshed on the event loop, because Prometheus scrapes on
 * another thread and the registry is not thread-safe.
 */
final class SessionMetrics {

    private final MeterRegistry meters;
    private final Map<String, AtomicLong> sessionCounts = new ConcurrentHashMap<>();
    /** By {@code [from + 1][to]} in {@link SessionState#ordinal()}s, row 0 for a first record; made on first use. */
    private final Counter[][] transitions =
            new Counter[SessionState.values().length + 1][SessionState.values().length];
    private final Counter pendingTimeouts;
    private final Map<HeldReportDrop, AtomicLong> droppedReports = new EnumMap<>(HeldReportDrop.class);
    private final AtomicLong heldReports = new AtomicLong();
    private final Map<LimitCommand.Kind, Counter> limitCommands = new EnumMap<>(LimitCommand.Kind.class);

    SessionMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.pendingTimeouts = Counter.builder("berth_session_pending_timeouts_total")
                .description("PENDING sessions ended because the user did not log on in time")
                .register(meters);
        for (EndReason reason : new EndReason[]{EndReason.NOT_REPORTED_BY_HOST, EndReason.HOST_REMOVED}) {
            reconciliationEndings(reason);
        }
        for (HeldReportDrop reason : HeldReportDrop.values()) {
            AtomicLong dropped = new AtomicLong();
            droppedReports.put(reason, dropped);
            FunctionCounter.builder("berth_session_reports_dropped_total", dropped, AtomicLong::get)
                    .description("Agent reports for sessions never allocated to the reporting host, dropped after "
                            + "being held")
                    .tag("reason", reason.tag())
                    .register(meters);
        }
        for (LimitCommand.Kind kind : LimitCommand.Kind.values()) {
            limitCommands.put(kind, Counter.builder("berth_session_limit_commands_total")
                    .description("Commands the session limits sent on berth.host-commands (DESIGN.md 7.5)")
                    .tag("kind", kind.name())
                    .register(meters));
        }
        for (EndReason reason : new EndReason[]{EndReason.DISCONNECTED_TIMEOUT, EndReason.MAX_SESSION_TIME,
                EndReason.SCALING_LOGOFF}) {
            forcedEndings(reason);
        }
        Gauge.builder("berth_session_reports_held", heldReports, AtomicLong::get)
                .description("Agent reports for sessions not allocated yet, waiting for their allocation")
                .register(meters);
    }

    /** Counts a change once Kafka has acknowledged it. */
    void published(SessionChange change) {
        if (!change.isTransition()) {
            return;
        }
        transition(change.previous() == null ? null : change.previous().state(), change.to()).increment();
        if (change.to() == SessionState.ENDED && change.current().endReason() != null) {
            switch (change.current().endReason()) {
                case PENDING_TIMEOUT -> pendingTimeouts.increment();
                case NOT_REPORTED_BY_HOST, HOST_REMOVED -> reconciliationEndings(change.current().endReason()).increment();
                case DISCONNECTED_TIMEOUT, MAX_SESSION_TIME, SCALING_LOGOFF ->
                        forcedEndings(change.current().endReason()).increment();
                case LOGOFF -> {
                }
            }
        }
    }

    /** Called on the event loop only; registering a counter twice would return the same one anyway. */
    private Counter transition(SessionState from, SessionState to) {
        int row = from == null ? 0 : from.ordinal() + 1;
        Counter counter = transitions[row][to.ordinal()];
        if (counter == null) {
            counter = Counter.builder("berth_session_transitions_total")
                    .description("Session state changes published on berth.sessions")
                    .tag("from", from == null ? "NONE" : from.name())
                    .tag("to", to.name())
                    .register(meters);
            transitions[row][to.ordinal()] = counter;
        }
        return counter;
    }

    private Counter reconciliationEndings(EndReason reason) {
        return Counter.builder("berth_session_reconciliation_endings_total")
                .description("Sessions ended by reconciliation against host heartbeats and host removals")
                .tag("reason", reason.name())
                .register(meters);
    }

    /** Counts a session limit's command once Kafka has acknowledged it. */
    void limitCommandSent(LimitCommand.Kind kind) {
        limitCommands.get(kind).increment();
    }

    private Counter forcedEndings(EndReason reason) {
        return Counter.builder("berth_session_forced_endings_total")
                .description("Sessions ended after a LOGOFF command with this reason (by the agent or, if it did "
                        + "not log them off within 2 heartbeat intervals, by the session service)")
                .tag("reason", reason.name())
                .register(meters);
    }

    /** Copies the registry's counts for the gauges; registers the gauges of pools seen for the first time. */
    void refresh(SessionRegistry registry) {
        for (Map.Entry<HeldReportDrop, AtomicLong> dropped : droppedReports.entrySet()) {
            dropped.getValue().set(registry.droppedReports(dropped.getKey()));
        }
        heldReports.set(registry.heldReports());
        for (String pool : registry.poolsWithSessions()) {
            for (SessionState state : SessionState.values()) {
                gauge(pool, state).set(registry.count(pool, state));
            }
        }
    }

    private AtomicLong gauge(String pool, SessionState state) {
        return sessionCounts.computeIfAbsent(pool + "/" + state, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("berth_sessions", value, AtomicLong::get)
                    .description("Sessions by pool and state (ENDED ones until their tombstone)")
                    .tag("pool", pool)
                    .tag("state", state.name())
                    .register(meters);
            return value;
        });
    }
}
