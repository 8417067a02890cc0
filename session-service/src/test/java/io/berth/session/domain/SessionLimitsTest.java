package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.berth.common.events.SessionState.ACTIVE;
import static io.berth.common.events.SessionState.ENDED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session limits of DESIGN.md 7.5 at every boundary, and the LOGOFFs that end a session by themselves: time is
 * passed in (a fake clock), command ids come from a counter, and every command a tick decides is read back as it
 * would be from {@code berth.host-commands}.
 */
class SessionLimitsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Predicate<String> ALL = id -> true;
    private static final Predicate<String> NONE = id -> false;
    private static final String POOL = "pool-a";
    private static final String HOST = "host-1.example.com";
    private static final AgentIdentity AGENT = new AgentIdentity(HOST, "jti-1");
    /** 30 s heartbeats: a LOGOFF not carried out ends the session 60 s later. */
    private static final int HEARTBEAT_SECONDS = 30;

    private final AtomicInteger commandIds = new AtomicInteger();
    private SessionRegistry registry;
    /** Every command a tick decided, in order. */
    private final List<HostCommandEvent> sent = new ArrayList<>();

    @BeforeEach
    void givenARegisteredHost() {
        registry = newRegistry();
    }

    @Nested
    class DisconnectedTimeout {

        @BeforeEach
        void givenATenMinuteDisconnectedTimeout() {
            registry.onPoolConfig(pool(10, 0, 5));
        }

        @Test
        void aSessionDisconnectedForTheTimeoutGetsOneLogoff() {
            // given a session that disconnects at T0 + 1 min
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0.plusSeconds(60));

            // when / then: nothing at 1 s before the timeout, a LOGOFF at it
            assertThat(tick(T0.plusSeconds(60 + 600 - 1))).isEmpty();
            assertThat(tick(T0.plusSeconds(60 + 600))).singleElement().satisfies(command -> {
                assertThat(command.kind()).isEqualTo(LimitCommand.Kind.DISCONNECTED_TIMEOUT);
                assertThat(command.command().command()).isEqualTo(HostCommandType.LOGOFF);
                assertThat(command.command().reason()).isEqualTo("DISCONNECTED_TIMEOUT");
                assertThat(command.command().sessionId()).isEqualTo("s1");
                assertThat(command.command().hostId()).isEqualTo(HOST);
                assertThat(command.command().commandId()).isEqualTo("cmd-1");
                assertThat(command.command().at()).isEqualTo(T0.plusSeconds(660));
            });
            // and never again, on any later sweep
            assertThat(tick(T0.plusSeconds(661))).isEmpty();
            assertThat(tick(T0.plusSeconds(700))).isEmpty();
        }

        @Test
        void aReconnectBeforeTheTimeoutCancelsItAndTheNextDisconnectStartsItAgain() {
            // given
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);

            // when the user reconnects 1 s before the timeout
            report("s1", AgentEventType.RECONNECT, T0.plusSeconds(599));

            // then
            assertThat(tick(T0.plusSeconds(600))).isEmpty();
            assertThat(tick(T0.plusSeconds(2000))).isEmpty();

            // and when it disconnects again, its timeout counts from then
            report("s1", AgentEventType.DISCONNECT, T0.plusSeconds(2000));
            assertThat(tick(T0.plusSeconds(2599))).isEmpty();
            assertThat(tick(T0.plusSeconds(2600))).extracting(LimitCommand::kind)
                    .containsExactly(LimitCommand.Kind.DISCONNECTED_TIMEOUT);
        }

        @Test
        void anActiveSessionIsNeverTimedOut() {
            // given
            activeSession("s1", T0);

            // then
            assertThat(tick(T0.plus(Duration.ofDays(3)))).isEmpty();
        }

        @Test
        void zeroMeansNoLimit() {
            // given
            registry.onPoolConfig(pool(0, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);

            // then
            assertThat(tick(T0.plus(Duration.ofDays(7)))).isEmpty();
        }

        @Test
        void aShorterTimeoutConfiguredWhileDisconnectedAppliesToTheSession() {
            // given a session disconnected at T0 under the 10 min timeout
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);
            assertThat(tick(T0.plusSeconds(119))).isEmpty();

            // when the pool's timeout becomes 2 min
            registry.onPoolConfig(pool(2, 0, 5));

            // then
            assertThat(tick(T0.plusSeconds(120))).hasSize(1);
        }

        @Test
        void aTimeoutConfiguredOnAPoolWithoutOneAppliesToSessionsAlreadyDisconnected() {
            // given no timeout
            registry.onPoolConfig(pool(0, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);
            assertThat(tick(T0.plusSeconds(3600))).isEmpty();

            // when one of 10 min is configured
            registry.onPoolConfig(pool(10, 0, 5));

            // then the session, disconnected for an hour, gets its LOGOFF at once
            assertThat(tick(T0.plusSeconds(3601))).hasSize(1);
        }

        @Test
        void aLongerTimeoutConfiguredWhileDisconnectedPostponesTheLogoff() {
            // given
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);

            // when the timeout goes from 10 to 30 min
            registry.onPoolConfig(pool(30, 0, 5));

            // then
            assertThat(tick(T0.plusSeconds(600))).isEmpty();
            assertThat(tick(T0.plusSeconds(1799))).isEmpty();
            assertThat(tick(T0.plusSeconds(1800))).hasSize(1);
        }
    }

    @Nested
    class MaxSessionTime {

        @Test
        void theWarningComesTheWarningTimeBeforeTheLimitAndTheLogoffAtTheLimit() {
            // given a 60 min limit with a 5 min warning, on a session created at T0
            registry.onPoolConfig(pool(0, 60, 5));
            activeSession("s1", T0);

            // when / then
            assertThat(tick(T0.plus(Duration.ofMinutes(55)).minusSeconds(1))).isEmpty();
            assertThat(tick(T0.plus(Duration.ofMinutes(55)))).singleElement().satisfies(command -> {
                assertThat(command.kind()).isEqualTo(LimitCommand.Kind.MAX_SESSION_WARNING);
                assertThat(command.command().command()).isEqualTo(HostCommandType.MESSAGE);
                assertThat(command.command().reason()).isEqualTo(SessionLimits.WARNING_REASON);
                assertThat(command.command().message()).contains("5 minutes");
                assertThat(command.command().sessionId()).isEqualTo("s1");
            });
            assertThat(tick(T0.plus(Duration.ofMinutes(58)))).isEmpty();
            assertThat(tick(T0.plus(Duration.ofMinutes(60)).minusSeconds(1))).isEmpty();
            assertThat(tick(T0.plus(Duration.ofMinutes(60)))).singleElement().satisfies(command -> {
                assertThat(command.kind()).isEqualTo(LimitCommand.Kind.MAX_SESSION_TIME);
                assertThat(command.command().command()).isEqualTo(HostCommandType.LOGOFF);
                assertThat(command.command().reason()).isEqualTo("MAX_SESSION_TIME");
            });
            assertThat(tick(T0.plus(Duration.ofMinutes(60)).plusSeconds(1))).isEmpty();
        }

        @Test
        void aWarningLongerThanTheLimitComesAtOnce() {
            // given a 3 min limit with the default 5 min warning
            registry.onPoolConfig(pool(0, 3, 5));

            // when a session starts
            activeSession("s1", T0);

            // then it is warned at once, and logged off at 3 min
            assertThat(tick(T0)).extracting(LimitCommand::kind).containsExactly(LimitCommand.Kind.MAX_SESSION_WARNING);
            assertThat(tick(T0.plusSeconds(179))).isEmpty();
            assertThat(tick(T0.plusSeconds(180))).extracting(LimitCommand::kind)
                    .containsExactly(LimitCommand.Kind.MAX_SESSION_TIME);
        }

        @Test
        void theLimitCountsFromCreationWhateverTheState() {
            // given a session that disconnects and reconnects
            registry.onPoolConfig(pool(0, 60, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0.plus(Duration.ofMinutes(20)));
            report("s1", AgentEventType.RECONNECT, T0.plus(Duration.ofMinutes(30)));

            // then its limit is still 60 min after its creation
            assertThat(tick(T0.plus(Duration.ofMinutes(55)))).hasSize(1);
            assertThat(tick(T0.plus(Duration.ofMinutes(60)))).hasSize(1);
        }

        @Test
        void zeroMeansNoLimit() {
            // given
            registry.onPoolConfig(pool(0, 0, 5));
            activeSession("s1", T0);

            // then
            assertThat(tick(T0.plus(Duration.ofDays(40)))).isEmpty();
        }

        @Test
        void aLimitLoweredBelowASessionsAgeLogsItOffAtOnceWithoutAWarning() {
            // given a 24 h limit and a session 2 h old
            registry.onPoolConfig(pool(0, 24 * 60, 5));
            activeSession("s1", T0);
            assertThat(tick(T0.plus(Duration.ofHours(2)))).isEmpty();

            // when the pool's limit becomes 60 min
            registry.onPoolConfig(pool(0, 60, 5));

            // then
            assertThat(tick(T0.plus(Duration.ofHours(2)).plusSeconds(1))).extracting(LimitCommand::kind)
                    .containsExactly(LimitCommand.Kind.MAX_SESSION_TIME);
        }

        @Test
        void aLimitConfiguredOnAPoolWithoutOneAppliesToItsLiveSessions() {
            // given sessions of a pool without a limit, one of them rebuilt from the topic
            registry.onPoolConfig(pool(0, 0, 5));
            activeSession("s1", T0);
            registry.applyPublished(new SessionEvent(1, "s2", "alice", POOL, HOST,
                    ACTIVE, T0.plusSeconds(60), T0.plusSeconds(60), null));
            assertThat(tick(T0.plus(Duration.ofHours(2)))).isEmpty();

            // when the pool gets a 60 min limit
            registry.onPoolConfig(pool(0, 60, 5));

            // then both, older than that, are logged off at once
            assertThat(tick(T0.plus(Duration.ofHours(2)).plusSeconds(1)))
                    .extracting(command -> command.command().sessionId()).containsExactlyInAnyOrder("s1", "s2");
        }

        @Test
        void aLimitRemovedFromThePoolSendsNothingMore() {
            // given a session warned before its limit
            registry.onPoolConfig(pool(0, 60, 5));
            activeSession("s1", T0);
            assertThat(tick(T0.plus(Duration.ofMinutes(55)))).hasSize(1);

            // when the limit is removed
            registry.onPoolConfig(pool(0, 0, 5));

            // then
            assertThat(tick(T0.plus(Duration.ofDays(2)))).isEmpty();
        }

        @Test
        void aDisconnectedSessionPastBothLimitsGetsOneLogoff() {
            // given
            registry.onPoolConfig(pool(10, 60, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0.plus(Duration.ofMinutes(1)));

            // when the sweep first runs after both limits
            List<LimitCommand> commands = tick(T0.plus(Duration.ofMinutes(61)));

            // then
            assertThat(commands).extracting(LimitCommand::kind).containsExactly(LimitCommand.Kind.MAX_SESSION_TIME);
            assertThat(tick(T0.plus(Duration.ofMinutes(62)))).isEmpty();
        }
    }

    @Nested
    class LogoffsThatEndTheSession {

        @Test
        void aSessionItsAgentDoesNotLogOffEndsTwoHeartbeatIntervalsAfterTheLogoff() {
            // given a disconnected timeout's LOGOFF at T0 + 10 min
            registry.onPoolConfig(pool(10, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);
            Instant logoffAt = T0.plusSeconds(600);
            assertThat(tick(logoffAt)).hasSize(1);

            // when / then
            assertThat(sweep(logoffAt.plusSeconds(2 * HEARTBEAT_SECONDS - 1)).changes()).isEmpty();
            assertThat(sweep(logoffAt.plusSeconds(2 * HEARTBEAT_SECONDS)).changes()).singleElement()
                    .satisfies(change -> {
                        assertThat(change.to()).isEqualTo(ENDED);
                        assertThat(change.current().endReason()).isEqualTo(EndReason.DISCONNECTED_TIMEOUT);
                    });
        }

        @Test
        void theAgentsLogoffAfterALimitsLogoffEndsTheSessionWithTheLimitsReason() {
            // given
            registry.onPoolConfig(pool(0, 60, 5));
            activeSession("s1", T0);
            tick(T0.plus(Duration.ofMinutes(55)));
            assertThat(tick(T0.plus(Duration.ofMinutes(60)))).hasSize(1);

            // when the agent logs the session off
            List<SessionChange> changes = accepted(report("s1", AgentEventType.LOGOFF,
                    T0.plus(Duration.ofMinutes(60)).plusSeconds(20)));

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.to()).isEqualTo(ENDED);
                assertThat(change.current().endReason()).isEqualTo(EndReason.MAX_SESSION_TIME);
            });
            assertThat(sweep(T0.plus(Duration.ofMinutes(70))).changes()).isEmpty();
        }

        @Test
        void theScalersLogoffReadFromTheTopicEndsTheSessionWithScalingLogoff() {
            // given
            activeSession("s1", T0);

            // when inventory's scaler logs it off
            registry.onHostCommand(logoff("scaler-1", "s1", "SCALING_LOGOFF", T0.plusSeconds(100)),
                    T0.plusSeconds(100));

            // then it ends by itself 2 heartbeat intervals later
            assertThat(sweep(T0.plusSeconds(159)).changes()).isEmpty();
            assertThat(sweep(T0.plusSeconds(160)).changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.SCALING_LOGOFF));
        }

        @Test
        void theAgentsLogoffAfterTheScalersEndsTheSessionWithScalingLogoff() {
            // given
            activeSession("s1", T0);
            registry.onHostCommand(logoff("scaler-1", "s1", "SCALING_LOGOFF", T0.plusSeconds(100)),
                    T0.plusSeconds(100));

            // when
            List<SessionChange> changes = accepted(report("s1", AgentEventType.LOGOFF, T0.plusSeconds(110)));

            // then
            assertThat(changes).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.SCALING_LOGOFF));
        }

        @Test
        void anOperatorsLogoffWaitsForTheAgentAndEndsWithLogoff() {
            // given
            activeSession("s1", T0);
            CommandDecision decision = registry.requestLogoff("s1", T0.plusSeconds(10));
            HostCommandEvent command = ((CommandDecision.SendCommand) decision).command();
            assertThat(command.reason()).isEqualTo("LOGOFF");
            assertThat(command.commandId()).isEqualTo("cmd-1");
            registry.onHostCommand(command, T0.plusSeconds(10));

            // then the session does not end by itself
            assertThat(sweep(T0.plus(Duration.ofHours(1))).changes()).isEmpty();
            // but when the agent logs it off
            assertThat(accepted(report("s1", AgentEventType.LOGOFF, T0.plus(Duration.ofHours(1)))))
                    .singleElement().satisfies(change ->
                            assertThat(change.current().endReason()).isEqualTo(EndReason.LOGOFF));
        }

        @Test
        void theLatestLogoffDecides() {
            // given the scaler's LOGOFF, then an operator's
            activeSession("s1", T0);
            registry.onHostCommand(logoff("scaler-1", "s1", "SCALING_LOGOFF", T0.plusSeconds(100)),
                    T0.plusSeconds(100));
            registry.onHostCommand(logoff("admin-1", "s1", "LOGOFF", T0.plusSeconds(120)), T0.plusSeconds(120));
            // an older command read late changes nothing
            registry.onHostCommand(logoff("scaler-0", "s1", "SCALING_LOGOFF", T0.plusSeconds(50)),
                    T0.plusSeconds(130));

            // then
            assertThat(sweep(T0.plusSeconds(1000)).changes()).isEmpty();
            assertThat(registry.find("s1")).map(Session::state).contains(ACTIVE);
        }

        @Test
        void aSessionGoneFromItsHostAfterTheScalersLogoffEndsWithScalingLogoff() {
            // given the scaler's LOGOFF, after which the host's heartbeats stop listing the session
            activeSession("s1", T0);
            registry.onHostCommand(logoff("scaler-1", "s1", "SCALING_LOGOFF", T0.plusSeconds(100)),
                    T0.plusSeconds(100));
            registry.onHostHealth(new HostHealthEvent(1, HOST, POOL, Health.AVAILABLE, true, null, List.of(),
                    T0.plusSeconds(101), List.of()), T0.plusSeconds(101), ALL);

            // when its grace is over (before the command's own 2 intervals)
            List<SessionChange> changes = sweep(T0.plusSeconds(161)).changes();

            // then
            assertThat(changes).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.SCALING_LOGOFF));
        }
    }

    @Nested
    class EachCommandOnce {

        @Test
        void aRestartedInstanceThatReadTheCommandsBackSendsNothingAgain() {
            // given a warning and a LOGOFF sent, and a second session that got its warning only
            registry.onPoolConfig(pool(0, 60, 5));
            activeSession("s1", T0);
            activeSession("s2", T0.plus(Duration.ofMinutes(3)));
            tick(T0.plus(Duration.ofMinutes(55)));
            tick(T0.plus(Duration.ofMinutes(58)));
            tick(T0.plus(Duration.ofMinutes(60)));
            assertThat(sent).extracting(HostCommandEvent::sessionId).containsExactly("s1", "s2", "s1");

            // when another instance rebuilds everything from the topics
            SessionRegistry restarted = newRegistry();
            restarted.onPoolConfig(pool(0, 60, 5));
            registry.list(new SessionQuery(null, null, null, null))
                    .forEach(session -> restarted.applyPublished(session.toEvent()));
            sent.forEach(command -> restarted.onHostCommand(command, T0.plus(Duration.ofMinutes(61))));
            restarted.startDeciding(T0.plus(Duration.ofMinutes(61)));

            // then it sends nothing again, and ends s1, whose LOGOFF its agent has not carried out in 2 intervals
            TickResult afterRestart = restarted.tick(T0.plus(Duration.ofMinutes(61)), ALL);
            assertThat(afterRestart.commands()).isEmpty();
            assertThat(afterRestart.changes()).singleElement().satisfies(change -> {
                assertThat(change.sessionId()).isEqualTo("s1");
                assertThat(change.current().endReason()).isEqualTo(EndReason.MAX_SESSION_TIME);
            });
            // and later only what was not sent yet: s2's LOGOFF at its limit
            assertThat(restarted.tick(T0.plus(Duration.ofMinutes(62)), ALL).commands()).isEmpty();
            assertThat(restarted.tick(T0.plus(Duration.ofMinutes(63)), ALL).commands())
                    .singleElement().satisfies(command -> {
                        assertThat(command.kind()).isEqualTo(LimitCommand.Kind.MAX_SESSION_TIME);
                        assertThat(command.command().sessionId()).isEqualTo("s2");
                    });
        }

        @Test
        void aSessionOwnedByAnotherInstanceGetsNothingFromThisOneUntilItOwnsIt() {
            // given
            registry.onPoolConfig(pool(10, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);

            // when / then
            assertThat(registry.tick(T0.plusSeconds(600), NONE).commands()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(601), NONE).commands()).isEmpty();
            assertThat(tick(T0.plusSeconds(602))).hasSize(1);
            assertThat(tick(T0.plusSeconds(603))).isEmpty();
        }

        @Test
        void theOwnersCommandReadFromTheTopicIsNotSentAgainWhenOwnershipMovesHere() {
            // given a session due while another instance owns it
            registry.onPoolConfig(pool(10, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);
            assertThat(registry.tick(T0.plusSeconds(600), NONE).commands()).isEmpty();

            // when the owner's LOGOFF is read, then ownership moves here
            registry.onHostCommand(logoff("owner-1", "s1", "DISCONNECTED_TIMEOUT", T0.plusSeconds(600)),
                    T0.plusSeconds(601));

            // then
            assertThat(tick(T0.plusSeconds(602))).isEmpty();
            assertThat(sweep(T0.plusSeconds(660)).changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.DISCONNECTED_TIMEOUT));
        }

        @Test
        void aCommandKafkaRefusedIsDecidedAgainAtTheNextTick() {
            // given
            registry.onPoolConfig(pool(10, 0, 5));
            activeSession("s1", T0);
            report("s1", AgentEventType.DISCONNECT, T0);
            List<LimitCommand> refused = registry.tick(T0.plusSeconds(600), ALL).commands();
            assertThat(refused).hasSize(1);

            // when Kafka refuses it
            registry.commandRefused(refused.get(0));

            // then the next tick sends it again, under a new id, and then no more
            assertThat(tick(T0.plusSeconds(601))).singleElement().satisfies(command ->
                    assertThat(command.command().commandId()).isEqualTo("cmd-2"));
            assertThat(tick(T0.plusSeconds(602))).isEmpty();
        }
    }

    @Test
    void anOperatorsMessageGoesToTheSessionsHostWithAFreshId() {
        // given
        activeSession("s1", T0);

        // when
        CommandDecision decision = registry.requestMessage("s1", "Maintenance at noon", T0.plusSeconds(5));

        // then
        assertThat(decision).isInstanceOfSatisfying(CommandDecision.SendCommand.class, send -> {
            assertThat(send.command().command()).isEqualTo(HostCommandType.MESSAGE);
            assertThat(send.command().message()).isEqualTo("Maintenance at noon");
            assertThat(send.command().hostId()).isEqualTo(HOST);
            assertThat(send.command().commandId()).isEqualTo("cmd-1");
            assertThat(send.command().at()).isEqualTo(T0.plusSeconds(5));
        });
        assertThat(registry.requestMessage("nope", "hi", T0)).isInstanceOf(CommandDecision.UnknownSession.class);
        report("s1", AgentEventType.LOGOFF, T0.plusSeconds(6));
        assertThat(registry.requestMessage("s1", "hi", T0.plusSeconds(7)))
                .isInstanceOf(CommandDecision.AlreadyEnded.class);
    }

    // ---------------------------------------------------------------- fixtures

    private SessionRegistry newRegistry() {
        SessionRegistry created = new SessionRegistry(RETENTION, UnknownReportHold.DEFAULTS,
                () -> "cmd-" + commandIds.incrementAndGet());
        created.onPoolConfig(pool(0, 0, 5));
        created.onHostRegistration(new HostRegistration(1, HOST, POOL, T0.minusSeconds(3600), "jti-1"));
        return created;
    }

    /** A sweep at {@code at}; its commands are sent and read back from the topic. */
    private TickResult sweep(Instant at) {
        TickResult result = registry.tick(at, ALL);
        for (LimitCommand command : result.commands()) {
            sent.add(command.command());
            registry.onHostCommand(command.command(), at);
        }
        return result;
    }

    private List<LimitCommand> tick(Instant at) {
        return sweep(at).commands();
    }

    private void activeSession(String sessionId, Instant at) {
        registry.onAllocation(new AllocationEvent(1, sessionId, "alice", POOL, HOST, "desktop", at, "broker-1"), at);
        report(sessionId, AgentEventType.LOGON, at);
        assertThat(registry.find(sessionId)).map(Session::state).contains(ACTIVE);
    }

    private ReportOutcome report(String sessionId, AgentEventType type, Instant at) {
        return registry.onAgentReport(new AgentReport(sessionId, type, "alice", HOST, null), AGENT, at);
    }

    private static List<SessionChange> accepted(ReportOutcome outcome) {
        assertThat(outcome).isInstanceOf(ReportOutcome.Accepted.class);
        return ((ReportOutcome.Accepted) outcome).changes();
    }

    private static HostCommandEvent logoff(String commandId, String sessionId, String reason, Instant at) {
        return new HostCommandEvent(1, commandId, HOST, HostCommandType.LOGOFF, sessionId, null, reason, at);
    }

    private static HostPoolConfig pool(int disconnectedTimeoutMinutes, int maxSessionMinutes, int warningMinutes) {
        return new HostPoolConfig(1, POOL, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, HEARTBEAT_SECONDS, 86_400, 0, null, disconnectedTimeoutMinutes,
                maxSessionMinutes, warningMinutes);
    }
}
