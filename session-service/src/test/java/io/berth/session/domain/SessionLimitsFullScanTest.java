package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session limits' queued sweep against the rule applied to every live session at every tick (a full scan), on
 * random sessions, disconnects, reconnects, logoffs, pool changes, scaler and operator LOGOFFs, refused sends and
 * ticks on which another instance owns everything: both decide the same commands and endings at the same ticks.
 */
class SessionLimitsFullScanTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final String POOL = "pool-a";
    private static final String HOST = "host-1.example.com";
    private static final AgentIdentity AGENT = new AgentIdentity(HOST, "jti-1");
    private static final int HEARTBEAT_SECONDS = 30;

    /** The scan's memory, fed only by what is published on or read from {@code berth.host-commands}. */
    private record Logoff(EndReason reason, Instant at) {
    }

    private final Set<String> warned = new HashSet<>();
    private final Map<String, Logoff> latestLogoff = new HashMap<>();
    private HostPoolConfig pool;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void theSweepDecidesWhatAFullScanWould(long seed) {
        Random random = new Random(seed);
        AtomicInteger commandIds = new AtomicInteger();
        SessionRegistry registry = new SessionRegistry(Duration.ofHours(24), UnknownReportHold.DEFAULTS,
                () -> "cmd-" + commandIds.incrementAndGet());
        registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0.minusSeconds(3600), "jti-1"));
        pool = randomPool(random);
        registry.onPoolConfig(pool);
        int sessions = 0;
        Instant now = T0;

        for (int step = 0; step < 4_000; step++) {
            now = now.plusSeconds(random.nextInt(40));
            List<Session> live = live(registry);
            String someLive = live.isEmpty() ? null : live.get(random.nextInt(live.size())).sessionId();
            int op = random.nextInt(24);
            if (op < 3 && live.size() < 30) {
                String sessionId = "s" + sessions++;
                registry.onAllocation(new AllocationEvent(1, sessionId, "alice", POOL, HOST, "desktop", now, "b"), now);
                report(registry, sessionId, AgentEventType.LOGON, now);
            } else if (op < 6 && someLive != null) {
                report(registry, someLive, AgentEventType.DISCONNECT, now);
            } else if (op < 8 && someLive != null) {
                report(registry, someLive, AgentEventType.RECONNECT, now);
            } else if (op == 8 && someLive != null) {
                // when an agent logs a session off, it ends with its forcing LOGOFF's reason, or LOGOFF
                Logoff latest = latestLogoff.get(someLive);
                EndReason expected = latest != null && CommandLog.FORCING.contains(latest.reason())
                        ? latest.reason() : EndReason.LOGOFF;
                ReportOutcome outcome = report(registry, someLive, AgentEventType.LOGOFF, now);
                assertThat(((ReportOutcome.Accepted) outcome).changes()).singleElement()
                        .satisfies(change -> assertThat(change.current().endReason()).isEqualTo(expected));
            } else if (op == 9) {
                pool = randomPool(random);
                registry.onPoolConfig(pool);
            } else if (op == 10 && someLive != null) {
                read(registry, new HostCommandEvent(1, "scaler-" + step, HOST, HostCommandType.LOGOFF, someLive, null,
                        "SCALING_LOGOFF", now), now);
            } else if (op == 11 && someLive != null) {
                read(registry, ((CommandDecision.SendCommand) registry.requestLogoff(someLive, now)).command(), now);
            }

            // then a tick decides what the full scan does
            boolean owned = random.nextInt(5) != 0;
            Set<String> expected = owned ? fullScan(live(registry), now) : Set.of();
            TickResult result = registry.tick(now, owned ? id -> true : id -> false);
            Set<String> decided = new TreeSet<>();
            result.changes().forEach(change ->
                    decided.add(change.sessionId() + " END " + change.current().endReason()));
            for (LimitCommand command : result.commands()) {
                decided.add(command.command().sessionId() + " " + command.kind());
                if (random.nextInt(10) == 0) {
                    registry.commandRefused(command); // Kafka refused it: sent at a later tick
                } else {
                    read(registry, command.command(), now);
                }
            }
            assertThat(decided).as("seed %d, step %d, %s, at %s", seed, step, pool, now).isEqualTo(expected);
        }
        assertThat(sessions).as("sessions created").isGreaterThan(100);
    }

    /** What the rule says is due now for each live session, given what is on the command topic. */
    private Set<String> fullScan(List<Session> live, Instant now) {
        Set<String> due = new TreeSet<>();
        SessionLimits limits = SessionLimits.of(pool);
        for (Session session : live) {
            String id = session.sessionId();
            Logoff latest = latestLogoff.get(id);
            if (latest != null && CommandLog.FORCING.contains(latest.reason())) {
                if (!now.isBefore(latest.at().plusSeconds(2L * HEARTBEAT_SECONDS))) {
                    due.add(id + " END " + latest.reason());
                }
            } else if (limits.limitsSessionTime() && !now.isBefore(session.createdAt().plus(limits.maxSessionTime()))) {
                due.add(id + " " + LimitCommand.Kind.MAX_SESSION_TIME);
            } else if (limits.limitsDisconnection() && session.state() == SessionState.DISCONNECTED
                    && !now.isBefore(session.updatedAt().plus(limits.disconnectedTimeout()))) {
                due.add(id + " " + LimitCommand.Kind.DISCONNECTED_TIMEOUT);
            } else if (limits.limitsSessionTime() && !warned.contains(id)
                    && !now.isBefore(session.createdAt().plus(limits.warningAfter()))) {
                due.add(id + " " + LimitCommand.Kind.MAX_SESSION_WARNING);
            }
        }
        return due;
    }

    /** A command on the topic, read back by the registry and remembered by the scan. */
    private void read(SessionRegistry registry, HostCommandEvent command, Instant now) {
        registry.onHostCommand(command, now);
        if (command.command() == HostCommandType.MESSAGE) {
            warned.add(command.sessionId());
        } else {
            latestLogoff.put(command.sessionId(), new Logoff(EndReason.valueOf(command.reason()), command.at()));
        }
    }

    private static List<Session> live(SessionRegistry registry) {
        return registry.list(new SessionQuery(null, null, null, null)).stream().filter(Session::isLive).toList();
    }

    private static ReportOutcome report(SessionRegistry registry, String sessionId, AgentEventType type, Instant at) {
        return registry.onAgentReport(new AgentReport(sessionId, type, "alice", HOST, null), AGENT, at);
    }

    private static HostPoolConfig randomPool(Random random) {
        int[] disconnected = {0, 1, 2, 5};
        int[] max = {0, 3, 10, 30};
        int[] warning = {1, 2, 5};
        return new HostPoolConfig(1, POOL, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, HEARTBEAT_SECONDS, 86_400, 0, null,
                disconnected[random.nextInt(disconnected.length)], max[random.nextInt(max.length)],
                warning[random.nextInt(warning.length)]);
    }
}
