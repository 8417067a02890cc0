package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static io.berth.common.events.SessionState.ACTIVE;
import static io.berth.common.events.SessionState.DISCONNECTED;
import static io.berth.common.events.SessionState.ENDED;
import static io.berth.common.events.SessionState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

class SessionRegistryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Predicate<String> ALL = id -> true;
    private static final String POOL = "pool-a";
    private static final String HOST = "host-1.example.com";
    private static final String OTHER_HOST = "host-2.example.com";
    private static final AgentIdentity AGENT = new AgentIdentity(HOST, "jti-1");

    private SessionRegistry registry;

    @BeforeEach
    void givenAPoolWithTwoRegisteredHosts() {
        registry = new SessionRegistry(RETENTION);
        registry.onPoolConfig(pool(POOL, 30, 60));
        registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0.minusSeconds(3600), "jti-1"));
        registry.onHostRegistration(new HostRegistration(1, OTHER_HOST, POOL, T0.minusSeconds(3600), "jti-2"));
    }

    @Nested
    class Allocations {

        @Test
        void anAllocationCreatesAPendingSession() {
            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0);

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.from()).isEmpty();
                assertThat(change.to()).isEqualTo(PENDING);
                assertThat(change.isTransition()).isTrue();
                assertThat(change.event()).isEqualTo(new SessionEvent(1, "s1", "alice", POOL, HOST, PENDING,
                        T0.minusSeconds(1), T0, null));
            });
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
        }

        @Test
        void aDuplicateAllocationIsANoOp() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(5));

            // then
            assertThat(changes).isEmpty();
            assertThat(registry.find("s1").orElseThrow().updatedAt()).isEqualTo(T0);
        }

        @Test
        void aLogonHeldBeforeTheAllocationIsAppliedWithItInOneRecord() {
            // given the agent's logon came before the broker's allocation was read
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.from()).isEmpty();
                assertThat(change.event()).isEqualTo(new SessionEvent(1, "s1", "alice", POOL, HOST, ACTIVE,
                        T0.minusSeconds(1), T0.plusSeconds(1), null));
            });
            assertThat(registry.heldReports()).isZero();
        }

        @Test
        void anAllocationSeenAfterALogoffDoesNotResurrectTheSession() {
            // given the session's end was read from berth.sessions before the broker's allocation
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, ENDED, T0.minusSeconds(1), T0,
                    "LOGOFF"));

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(1));

            // then
            assertThat(changes).isEmpty();
            assertThat(registry.find("s1")).map(Session::state).contains(ENDED);
        }

        @Test
        void anAllocationWithoutSessionOrHostIdIsIgnored() {
            assertThat(registry.onAllocation(new AllocationEvent(1, null, "u", POOL, HOST, "g", T0, "b"), T0))
                    .isEmpty();
            assertThat(registry.onAllocation(new AllocationEvent(1, "s9", "u", POOL, null, "g", T0, "b"), T0))
                    .isEmpty();
            assertThat(registry.size()).isZero();
        }
    }

    @Nested
    class AgentReports {

        @Test
        void logonDisconnectReconnectLogoffWalkTheLifecycle() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when / then
            assertThat(acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0)))
                    .singleElement().satisfies(c -> assertMove(c, PENDING, ACTIVE));
            assertThat(acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.DISCONNECT), AGENT,
                    T0.plusSeconds(1)))).singleElement().satisfies(c -> assertMove(c, ACTIVE, DISCONNECTED));
            assertThat(acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.RECONNECT), AGENT,
                    T0.plusSeconds(2)))).singleElement().satisfies(c -> assertMove(c, DISCONNECTED, ACTIVE));
            assertThat(acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.LOGOFF), AGENT,
                    T0.plusSeconds(3)))).singleElement().satisfies(c -> {
                assertMove(c, ACTIVE, ENDED);
                assertThat(c.event().endReason()).isEqualTo("LOGOFF");
                assertThat(c.event().updatedAt()).isEqualTo(T0.plusSeconds(3));
                assertThat(c.event().createdAt()).isEqualTo(T0.minusSeconds(1));
            });
        }

        @Test
        void aDuplicateReportIsANoOp() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);

            // when
            ReportOutcome outcome = registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT,
                    T0.plusSeconds(1));

            // then
            assertThat(acceptedChanges(outcome)).isEmpty();
            assertThat(registry.find("s1").orElseThrow().updatedAt()).isEqualTo(T0);
        }

        @Test
        void endedIsTerminal() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(report("s1", AgentEventType.LOGOFF), AGENT, T0);

            // when / then
            for (AgentEventType type : AgentEventType.values()) {
                assertThat(acceptedChanges(registry.onAgentReport(report("s1", type), AGENT, T0.plusSeconds(1))))
                        .as("%s after ENDED", type).isEmpty();
            }
            assertThat(registry.find("s1")).map(Session::state).contains(ENDED);
        }

        @Test
        void aReportForAnUnseenSessionIsHeldAndCreatesNothing() {
            for (AgentEventType type : AgentEventType.values()) {
                // when the agent is faster than the allocation on Kafka (or the session was never allocated)
                ReportOutcome outcome = registry.onAgentReport(report("s-" + type, type), AGENT, T0);

                // then
                assertThat(outcome).as("%s", type).isInstanceOf(ReportOutcome.Held.class);
                assertThat(registry.find("s-" + type)).as("%s", type).isEmpty();
            }
            assertThat(registry.size()).isZero();
            assertThat(registry.heldReports()).isEqualTo(AgentEventType.values().length);
        }

        @Test
        void aReportOvertakenByALaterOneOfTheSameAgentIsNotApplied() {
            // given the agent logged on at t+1 and disconnected at t+5, but the reports arrive the other way round
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(new AgentReport("s1", AgentEventType.DISCONNECT, "alice", HOST,
                    T0.plusSeconds(5)), AGENT, T0.plusSeconds(6));

            // when
            ReportOutcome late = registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGON, "alice", HOST,
                    T0.plusSeconds(1)), AGENT, T0.plusSeconds(7));

            // then
            assertThat(acceptedChanges(late)).isEmpty();
            assertThat(registry.find("s1")).map(Session::state).contains(DISCONNECTED);
        }

        @Test
        void aReportWithALaterAgentTimeIsApplied() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(new AgentReport("s1", AgentEventType.DISCONNECT, "alice", HOST,
                    T0.plusSeconds(5)), AGENT, T0.plusSeconds(6));

            // when
            ReportOutcome outcome = registry.onAgentReport(new AgentReport("s1", AgentEventType.RECONNECT, "alice",
                    HOST, T0.plusSeconds(9)), AGENT, T0.plusSeconds(10));

            // then
            assertThat(acceptedChanges(outcome)).singleElement().satisfies(c -> assertMove(c, DISCONNECTED, ACTIVE));
        }

        @Test
        void anAgentTimeFarInTheFutureDoesNotBlockTheSessionsLaterReports() {
            // given an agent whose clock ran a day ahead for one report
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGON, "alice", HOST,
                    T0.plus(Duration.ofDays(1))), AGENT, T0);

            // when its clock is right again
            ReportOutcome outcome = registry.onAgentReport(new AgentReport("s1", AgentEventType.DISCONNECT, "alice",
                    HOST, T0.plusSeconds(5)), AGENT, T0.plusSeconds(5));

            // then
            assertThat(acceptedChanges(outcome)).singleElement().satisfies(c -> assertMove(c, ACTIVE, DISCONNECTED));
        }

        @Test
        void aTokenOfAnotherHostIsRefused() {
            // when
            ReportOutcome outcome = registry.onAgentReport(report("s1", AgentEventType.LOGON),
                    new AgentIdentity(OTHER_HOST, "jti-2"), T0);

            // then
            assertThat(outcome).isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                    assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.NOT_THE_REPORTING_HOST));
            assertThat(registry.size()).isZero();
        }

        @Test
        void anotherHostReportingASessionItDoesNotHaveIsRefused() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when host 2 claims host 1's session
            ReportOutcome outcome = registry.onAgentReport(
                    new AgentReport("s1", AgentEventType.LOGOFF, "alice", OTHER_HOST, null),
                    new AgentIdentity(OTHER_HOST, "jti-2"), T0);

            // then
            assertThat(outcome).isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                    assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.SESSION_ON_ANOTHER_HOST));
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
        }

        @Test
        void anUnregisteredHostIsRefused() {
            // given
            registry.onHostRemoved(HOST);

            // when
            ReportOutcome outcome = registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);

            // then
            assertThat(outcome).isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                    assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.HOST_NOT_REGISTERED));
        }

        @Test
        void aTokenFromBeforeTheHostsReRegistrationIsRefused() {
            // given
            registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0, "jti-new"));

            // when
            ReportOutcome outcome = registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);

            // then
            assertThat(outcome).isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                    assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.TOKEN_REVOKED));
        }

        @Test
        void aReportNamingAnotherUserThanTheSessionsIsRefused() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            ReportOutcome outcome = registry.onAgentReport(
                    new AgentReport("s1", AgentEventType.LOGON, "mallory", HOST, null), AGENT, T0);

            // then
            assertThat(outcome).isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                    assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.SESSION_OF_ANOTHER_USER));
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
        }
    }

    /** DESIGN.md 7.8: reports for sessions the broker has not (yet) allocated to the reporting host. */
    @Nested
    class HeldReports {

        private static final Duration HOLD = UnknownReportHold.DEFAULTS.hold();

        @Test
        void aFabricatedLogonNeverCreatesASessionAndIsDroppedAfterTheHold() {
            // when a host's agent reports that "victim" logged on to a session the broker never allocated
            ReportOutcome outcome = registry.onAgentReport(
                    new AgentReport("forged", AgentEventType.LOGON, "victim", HOST, null), AGENT, T0);

            // then it is held, and victim has no session
            assertThat(outcome).isInstanceOf(ReportOutcome.Held.class);
            assertThat(registry.list(new SessionQuery("victim", null, null, null))).isEmpty();

            // and when the hold is over it is dropped, counted, and still nothing exists
            assertThat(registry.tick(T0.plus(HOLD).minusMillis(1), ALL).isEmpty()).isTrue();
            assertThat(registry.droppedReports(HeldReportDrop.EXPIRED)).isZero();
            registry.tick(T0.plus(HOLD), ALL);
            assertThat(registry.droppedReports(HeldReportDrop.EXPIRED)).isOne();
            assertThat(registry.heldReports()).isZero();
            assertThat(registry.size()).isZero();
        }

        @Test
        void anAllocationAfterTheHoldFindsNoReportToApply() {
            // given
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);
            registry.tick(T0.plus(HOLD), ALL);

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plus(HOLD).plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> assertThat(change.to()).isEqualTo(PENDING));
        }

        @Test
        void reportsHeldForOneSessionAreAppliedInTheirOrder() {
            // given the agent reported a logon and then a disconnect, both before the allocation was read
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);
            registry.onAgentReport(report("s1", AgentEventType.DISCONNECT), AGENT, T0.plusSeconds(1));

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(2));

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.from()).isEmpty();
                assertThat(change.to()).isEqualTo(DISCONNECTED);
            });
        }

        @Test
        void aHeldReportOfAnotherHostThanTheAllocationsIsDropped() {
            // given host 2's agent claims a session before its allocation is read
            registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGON, "alice", OTHER_HOST, null),
                    new AgentIdentity(OTHER_HOST, "jti-2"), T0);

            // when the broker allocated it to host 1
            List<SessionChange> changes = registry.onAllocation(allocation("s1", HOST), T0.plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> assertThat(change.to()).isEqualTo(PENDING));
            assertThat(registry.droppedReports(HeldReportDrop.OTHER_HOST)).isOne();
        }

        @Test
        void aHeldReportOfAnotherUserThanTheAllocationsIsDropped() {
            // given
            registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGON, "victim", HOST, null), AGENT, T0);

            // when the broker allocated the session to alice
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.to()).isEqualTo(PENDING);
                assertThat(change.current().userId()).isEqualTo("alice");
            });
            assertThat(registry.droppedReports(HeldReportDrop.OTHER_USER)).isOne();
        }

        @Test
        void aHostWithTooManyReportsWaitingIsRefusedUntilOneIsReleased() {
            // given a registry holding at most 2 reports per host and 3 in total
            registry = new SessionRegistry(RETENTION, new UnknownReportHold(HOLD, 2, 3));
            registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0.minusSeconds(3600), "jti-1"));
            registry.onHostRegistration(new HostRegistration(1, OTHER_HOST, POOL, T0.minusSeconds(3600), "jti-2"));
            AgentIdentity other = new AgentIdentity(OTHER_HOST, "jti-2");
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);
            registry.onAgentReport(report("s2", AgentEventType.LOGON), AGENT, T0);

            // when / then
            assertThat(registry.onAgentReport(report("s3", AgentEventType.LOGON), AGENT, T0))
                    .isInstanceOfSatisfying(ReportOutcome.Refused.class, refused ->
                            assertThat(refused.refusal()).isEqualTo(ReportOutcome.Refusal.TOO_MANY_HELD));
            assertThat(registry.onAgentReport(new AgentReport("s4", AgentEventType.LOGON, "alice", OTHER_HOST,
                    null), other, T0)).isInstanceOf(ReportOutcome.Held.class);
            assertThat(registry.onAgentReport(new AgentReport("s5", AgentEventType.LOGON, "alice", OTHER_HOST,
                    null), other, T0)).as("the total limit").isInstanceOf(ReportOutcome.Refused.class);
            registry.onAllocation(allocation("s1"), T0.plusSeconds(1));
            assertThat(registry.onAgentReport(report("s3", AgentEventType.LOGON), AGENT, T0.plusSeconds(1)))
                    .isInstanceOf(ReportOutcome.Held.class);
        }

        @Test
        void aReportHeldForASessionAnotherInstanceAllocatedIsAppliedWhenItsRecordArrives() {
            // given
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);

            // when another instance's PENDING record of the session is read from berth.sessions
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, PENDING, T0, T0, null));
            List<SessionChange> changes = registry.releaseHeldReports(T0.plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> assertMove(change, PENDING, ACTIVE));
            assertThat(registry.releaseHeldReports(T0.plusSeconds(2))).isEmpty();
            assertThat(registry.heldReports()).isZero();
        }

        @Test
        void aLogonAppliedWithAnAllocationWhosePublicationFailedIsHeldAgain() {
            // given a held logon applied with the allocation
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0);
            SessionChange created = registry.onAllocation(allocation("s1"), T0.plusSeconds(1)).get(0);

            // when Kafka did not acknowledge the record
            registry.revert(created);

            // then nothing exists, the logon waits again, and deciding the allocation again applies it
            assertThat(registry.find("s1")).isEmpty();
            assertThat(registry.heldReports()).isOne();
            assertThat(registry.onAllocation(allocation("s1"), T0.plusSeconds(2))).singleElement()
                    .satisfies(change -> assertThat(change.to()).isEqualTo(ACTIVE));
        }

        @Test
        void aHeartbeatListingASessionNeverAllocatedCreatesNothing() {
            // when
            List<SessionChange> changes = registry.onHostHealth(
                    health(HOST, POOL, Health.AVAILABLE, List.of("never-allocated"), T0), T0, ALL);

            // then
            assertThat(changes).isEmpty();
            assertThat(registry.size()).isZero();
        }
    }

    /** Issue 10: pending time counts from when this service could first know of a session. */
    @Nested
    class PendingTimeAfterDowntime {

        @Test
        void anAllocationReadLateCountsFromJustBeforeItWasRead() {
            // given an allocation made 90 s before this service could read it (pending timeout 60 s)
            registry.onAllocation(new AllocationEvent(1, "s1", "alice", POOL, HOST, "desktop", T0.minusSeconds(90),
                    "b"), T0);

            // when / then: counted from T0 - 5 s, not from T0 - 90 s
            assertThat(registry.tick(T0.plusSeconds(55).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(55), ALL).changes()).singleElement()
                    .satisfies(change -> assertThat(change.current().endReason()).isEqualTo(EndReason.PENDING_TIMEOUT));
        }

        @Test
        void anAllocationReadPromptlyCountsFromTheAllocation() {
            // given an allocation read 4 s after it was made, within the allowance for a live reader
            registry.onAllocation(new AllocationEvent(1, "s1", "alice", POOL, HOST, "desktop", T0.minusSeconds(4),
                    "b"), T0);

            // then
            assertThat(registry.tick(T0.plusSeconds(56).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(56), ALL).changes()).hasSize(1);
        }

        @Test
        void aPendingSessionReplayedAfterARestartCountsFromTheRestart() {
            // given a PENDING record written 90 s before this instance started deciding
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, PENDING, T0.minusSeconds(90),
                    T0.minusSeconds(90), null));

            // when
            registry.startDeciding(T0);

            // then
            assertThat(registry.tick(T0.plusSeconds(60).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(60), ALL).changes()).singleElement()
                    .satisfies(change -> assertThat(change.current().endReason()).isEqualTo(EndReason.PENDING_TIMEOUT));
        }

        @Test
        void anAllocationReadDuringTheCatchUpCountsFromTheRestartAtTheEarliest() {
            // given this instance started deciding at T0
            registry.startDeciding(T0);

            // when it reads, 3 s later, an allocation made while it was down
            registry.onAllocation(new AllocationEvent(1, "s1", "alice", POOL, HOST, "desktop", T0.minusSeconds(90),
                    "b"), T0.plusSeconds(3));

            // then counted from T0 (later than T0 + 3 s - 5 s)
            assertThat(registry.tick(T0.plusSeconds(60).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(60), ALL).changes()).hasSize(1);
        }

        @Test
        void aReplayedPendingSessionItsHostListedBecomesActiveOnceThisInstanceOwnsIt() {
            // given, replayed before deciding: a PENDING session and a heartbeat of its host listing it
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, PENDING, T0.minusSeconds(90),
                    T0.minusSeconds(90), null));
            registry.applyPublished(new SessionEvent(1, "s2", "bob", POOL, OTHER_HOST, PENDING,
                    T0.minusSeconds(90), T0.minusSeconds(90), null));
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of("s1", "s2"), T0.minusSeconds(10)),
                    T0, id -> false);
            registry.startDeciding(T0);

            // when / then: nothing while another instance owns it; ACTIVE once this one does
            assertThat(registry.activateListedPending(T0.plusSeconds(1), id -> false)).isEmpty();
            assertThat(registry.activateListedPending(T0.plusSeconds(2), ALL)).singleElement().satisfies(change -> {
                assertThat(change.sessionId()).as("only the session on the listing host").isEqualTo("s1");
                assertMove(change, PENDING, ACTIVE);
            });
            assertThat(registry.activateListedPending(T0.plusSeconds(3), ALL)).isEmpty();
        }

        @Test
        void anAllocationItsHostAlreadyListedStartsActive() {
            // given the host's heartbeat, read before the allocation, lists the session
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of("s1"), T0), T0, ALL);

            // when
            List<SessionChange> changes = registry.onAllocation(allocation("s1"), T0.plusSeconds(1));

            // then
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.from()).isEmpty();
                assertThat(change.to()).isEqualTo(ACTIVE);
            });
        }

        @Test
        void anAllocationListedOnlyByAnotherHostStaysPending() {
            // given
            registry.onHostHealth(health(OTHER_HOST, POOL, Health.AVAILABLE, List.of("s1"), T0), T0, ALL);

            // then
            assertThat(registry.onAllocation(allocation("s1", HOST), T0.plusSeconds(1))).singleElement()
                    .satisfies(change -> assertThat(change.to()).isEqualTo(PENDING));
        }
    }

    @Nested
    class PendingTimeouts {

        @Test
        void aPendingSessionEndsWhenItsPoolsPendingTimeoutHasPassedSinceTheAllocation() {
            // given a pool with a 10 s pending timeout
            registry.onPoolConfig(pool(POOL, 30, 10));
            registry.onAllocation(allocation("s1"), T0); // allocated at T0 - 1 s

            // when / then
            assertThat(registry.tick(T0.plusSeconds(8), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(9), ALL).changes()).singleElement().satisfies(change -> {
                assertMove(change, PENDING, ENDED);
                assertThat(change.event().endReason()).isEqualTo("PENDING_TIMEOUT");
            });
        }

        @Test
        void withoutPoolConfigThePendingTimeoutIsSixtySeconds() {
            // given
            registry.onPoolRemoved(POOL);
            registry.onAllocation(allocation("s1"), T0);

            // then
            assertThat(registry.tick(T0.plusSeconds(58), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(59), ALL).changes()).hasSize(1);
        }

        @Test
        void aSessionLoggedOnInTimeDoesNotTimeOut() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT, T0.plusSeconds(3));

            // then
            assertThat(registry.tick(T0.plusSeconds(3600), ALL).changes()).isEmpty();
        }

        @Test
        void theSweepOnlyDecidesForOwnedSessions() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAllocation(allocation("s2"), T0);

            // when
            TickResult result = registry.tick(T0.plusSeconds(120), "s2"::equals);

            // then
            assertThat(result.changes()).extracting(SessionChange::sessionId).containsExactly("s2");
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
        }
    }

    @Nested
    class Reconciliation {

        @Test
        void aLiveSessionItsHostStopsListingEndsAfterTwoHeartbeatIntervals() {
            // given an active session and a 30 s heartbeat (grace 60 s)
            activeSession("s1", T0);

            // when the host's heartbeats stop listing it
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(10)),
                    T0.plusSeconds(10), ALL);

            // then
            assertThat(registry.tick(T0.plusSeconds(69), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(70), ALL).changes()).singleElement().satisfies(change -> {
                assertMove(change, ACTIVE, ENDED);
                assertThat(change.event().endReason()).isEqualTo("NOT_REPORTED_BY_HOST");
            });
        }

        @Test
        void aSessionListedAgainWithinTheGraceDoesNotEnd() {
            // given
            activeSession("s1", T0);
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(10)),
                    T0.plusSeconds(10), ALL);

            // when
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of("s1"), T0.plusSeconds(40)),
                    T0.plusSeconds(40), ALL);

            // then
            assertThat(registry.tick(T0.plusSeconds(100), ALL).changes()).isEmpty();
        }

        @Test
        void aHeartbeatTakenBeforeTheSessionsLastChangeSaysNothingAboutIt() {
            // given a heartbeat sent just before the logon, read after it
            activeSession("s1", T0);

            // when
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.minusMillis(200)),
                    T0.plusSeconds(1), ALL);

            // then
            assertThat(registry.find("s1").orElseThrow().unlistedSince()).isNull();
            assertThat(registry.tick(T0.plusSeconds(3600), ALL).changes()).isEmpty();
        }

        @Test
        void aNoHeartbeatSnapshotIsNoEvidenceAndClearsTheMark() {
            // given
            activeSession("s1", T0);
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(10)),
                    T0.plusSeconds(10), ALL);

            // when
            registry.onHostHealth(health(HOST, POOL, Health.NO_HEARTBEAT, List.of(), T0.plusSeconds(10)),
                    T0.plusSeconds(100), ALL);

            // then
            assertThat(registry.tick(T0.plusSeconds(200), ALL).changes()).isEmpty();
        }

        @Test
        void aSnapshotOfAHostThatHasNotHeartbeatYetIsNoEvidence() {
            // given
            activeSession("s1", T0);

            // when the inventory publishes a registered host that has not reported yet
            registry.onHostHealth(health(HOST, POOL, Health.UNAVAILABLE, List.of(), null), T0.plusSeconds(10), ALL);

            // then
            assertThat(registry.tick(T0.plusSeconds(3600), ALL).changes()).isEmpty();
        }

        @Test
        void aPendingSessionIsGovernedByThePendingTimeoutNotByHeartbeats() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(1)),
                    T0.plusSeconds(1), ALL);

            // then
            assertThat(registry.find("s1").orElseThrow().unlistedSince()).isNull();
            assertThat(registry.tick(T0.plusSeconds(58), ALL).changes()).isEmpty();
        }

        @Test
        void aPendingSessionItsHostListsHasBeenLoggedOnTo() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            List<SessionChange> changes = registry.onHostHealth(
                    health(HOST, POOL, Health.AVAILABLE, List.of("s1"), T0.plusSeconds(5)), T0.plusSeconds(5), ALL);

            // then
            assertThat(changes).singleElement().satisfies(change -> assertMove(change, PENDING, ACTIVE));
        }

        @Test
        void anotherHostsHeartbeatDoesNotTouchTheSession() {
            // given
            activeSession("s1", T0);

            // when
            registry.onHostHealth(health(OTHER_HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(10)),
                    T0.plusSeconds(10), ALL);

            // then
            assertThat(registry.tick(T0.plusSeconds(3600), ALL).changes()).isEmpty();
        }

        @Test
        void theGraceFollowsThePoolsHeartbeatInterval() {
            // given a 1 s heartbeat: grace 2 s
            registry.onPoolConfig(pool(POOL, 1, 60));
            activeSession("s1", T0);
            registry.onHostHealth(health(HOST, POOL, Health.AVAILABLE, List.of(), T0.plusSeconds(1)),
                    T0.plusSeconds(1), ALL);

            // then
            assertThat(registry.tick(T0.plusMillis(2999), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(3), ALL).changes()).hasSize(1);
        }

        @Test
        void theLiveSessionsOfARemovedHostEnd() {
            // given
            activeSession("s1", T0);
            registry.onAllocation(allocation("s2"), T0);
            registry.onAllocation(allocation("s3", OTHER_HOST), T0);

            // when
            registry.onHostRemoved(HOST);
            TickResult result = registry.tick(T0.plusSeconds(1), ALL);

            // then
            assertThat(result.changes()).extracting(SessionChange::sessionId).containsExactly("s1", "s2");
            assertThat(result.changes()).allSatisfy(change -> {
                assertThat(change.to()).isEqualTo(ENDED);
                assertThat(change.event().endReason()).isEqualTo("HOST_REMOVED");
            });
        }

        @Test
        void aHostRemovedAndRegisteredAgainKeepsItsSessions() {
            // given a removal and a re-registration both seen while replaying berth.config
            activeSession("s1", T0);
            registry.onHostRemoved(HOST);
            registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0, "jti-1"));

            // then
            assertThat(registry.tick(T0.plusSeconds(1), ALL).changes()).isEmpty();
        }
    }

    @Nested
    class Tombstones {

        @Test
        void anEndedSessionStaysQueryableForTheRetentionThenIsTombstoned() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAgentReport(report("s1", AgentEventType.LOGOFF), AGENT, T0.plusSeconds(10));

            // when / then
            assertThat(registry.tick(T0.plusSeconds(10).plus(RETENTION).minusMillis(1), ALL).tombstones()).isEmpty();
            assertThat(registry.find("s1")).isPresent();
            assertThat(registry.tick(T0.plusSeconds(10).plus(RETENTION), ALL).tombstones())
                    .extracting(Session::sessionId).containsExactly("s1");
            assertThat(registry.find("s1")).isEmpty();
        }

        @Test
        void anEndedSessionOfAnotherInstanceIsTombstonedOnceThisInstanceOwnsIt() {
            // given an ended session whose partition another instance owns when it falls due
            endedSession("s1", T0);
            Instant due = T0.plus(RETENTION);
            assertThat(registry.tick(due, sessionId -> false).tombstones()).isEmpty();

            // when this instance takes the partition over, it looks at the session again a minute later
            assertThat(registry.tick(due.plusSeconds(30), ALL).tombstones()).isEmpty();
            List<Session> later = registry.tick(due.plusSeconds(60), ALL).tombstones();

            // then
            assertThat(later).extracting(Session::sessionId).containsExactly("s1");
            assertThat(registry.find("s1")).isEmpty();
        }

        @Test
        void aTickLooksOnlyAtDueSessionsAndDueTombstones() {
            // given many ended sessions and many live ones, none due yet, and one PENDING session past its timeout
            for (int i = 0; i < 1000; i++) {
                endedSession("ended-" + i, T0);
                activeSession("live-" + i, T0);
            }
            registry.onAllocation(new AllocationEvent(1, "due", "alice", POOL, HOST, "desktop", T0.minusSeconds(60),
                    "broker-1"), T0.minusSeconds(60));
            List<String> asked = new ArrayList<>();

            // when
            TickResult result = registry.tick(T0.plusSeconds(1), sessionId -> {
                asked.add(sessionId);
                return true;
            });

            // then
            assertThat(asked).containsExactly("due");
            assertThat(result.changes()).extracting(SessionChange::sessionId).containsExactly("due");
        }

        @Test
        void anEndedSessionWhoseTombstoneFailedIsRestoredForTheNextSweep() {
            // given
            endedSession("s1", T0);
            Session ended = registry.tick(T0.plus(RETENTION), ALL).tombstones().get(0);

            // when
            registry.restore(ended);

            // then
            assertThat(registry.find("s1")).contains(ended);
            assertThat(registry.tick(T0.plus(RETENTION), ALL).tombstones()).containsExactly(ended);
        }

        @Test
        void liveSessionsAreNeverTombstoned() {
            // given
            activeSession("s1", T0);

            // then
            assertThat(registry.tick(T0.plus(RETENTION.multipliedBy(3)), ALL).tombstones()).isEmpty();
        }
    }

    @Nested
    class BerthSessionsTopic {

        @Test
        void replayRebuildsEverySessionInItsState() {
            // given
            SessionEvent active = new SessionEvent(1, "s1", "alice", POOL, HOST, ACTIVE, T0, T0.plusSeconds(1), null);
            SessionEvent ended = new SessionEvent(1, "s2", "bob", POOL, HOST, ENDED, T0, T0.plusSeconds(2),
                    "PENDING_TIMEOUT");

            // when
            registry.applyPublished(active);
            registry.applyPublished(ended);

            // then
            assertThat(registry.find("s1").orElseThrow().toEvent()).isEqualTo(active);
            assertThat(registry.find("s2").orElseThrow().toEvent()).isEqualTo(ended);
            assertThat(registry.find("s2").orElseThrow().endReason()).isEqualTo(EndReason.PENDING_TIMEOUT);
        }

        @Test
        void ourOwnEarlierWriteComingBackDoesNotMoveTheSessionBack() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            SessionEvent activeRecord = acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.LOGON),
                    AGENT, T0.plusSeconds(1))).get(0).event();
            registry.onAgentReport(report("s1", AgentEventType.DISCONNECT), AGENT, T0.plusSeconds(2));

            // when
            boolean applied = registry.applyPublished(activeRecord);

            // then
            assertThat(applied).isFalse();
            assertThat(registry.find("s1")).map(Session::state).contains(DISCONNECTED);
        }

        @Test
        void aLiveRecordDoesNotMoveAnEndedSessionBack() {
            // given
            endedSession("s1", T0);

            // when
            boolean applied = registry.applyPublished(
                    new SessionEvent(1, "s1", "alice", POOL, HOST, ACTIVE, T0, T0.plusSeconds(5), null));

            // then
            assertThat(applied).isFalse();
            assertThat(registry.find("s1")).map(Session::state).contains(ENDED);
        }

        @Test
        void aNewerRecordFromAnotherInstanceIsApplied() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            boolean applied = registry.applyPublished(
                    new SessionEvent(1, "s1", "alice", POOL, HOST, ACTIVE, T0, T0.plusSeconds(5), null));

            // then
            assertThat(applied).isTrue();
            assertThat(registry.find("s1")).map(Session::state).contains(ACTIVE);
        }

        @Test
        void aTombstoneForgetsTheSession() {
            // given
            registry.onAllocation(allocation("s1"), T0);

            // when
            registry.applyTombstone("s1");

            // then
            assertThat(registry.find("s1")).isEmpty();
            assertThat(registry.count(POOL, PENDING)).isZero();
        }

        @Test
        void aChangeWhosePublicationFailedIsReverted() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            SessionChange logon = acceptedChanges(registry.onAgentReport(report("s1", AgentEventType.LOGON), AGENT,
                    T0.plusSeconds(1))).get(0);

            // when
            registry.revert(logon);

            // then
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
            assertThat(registry.count(POOL, ACTIVE)).isZero();
            assertThat(registry.count(POOL, PENDING)).isOne();
        }

        @Test
        void aFailedFirstRecordIsForgotten() {
            // given
            SessionChange created = registry.onAllocation(allocation("s1"), T0).get(0);

            // when
            registry.revert(created);

            // then
            assertThat(registry.find("s1")).isEmpty();
        }
    }

    @Nested
    class QueriesAndCounts {

        @Test
        void sessionsAreListedByUserHostPoolAndState() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAllocation(new AllocationEvent(1, "s2", "bob", POOL, OTHER_HOST, "desk", T0, "b1"), T0);
            activeSession("s3", T0);

            // then
            assertThat(ids(new SessionQuery("alice", null, null, null))).containsExactly("s1", "s3");
            assertThat(ids(new SessionQuery(null, OTHER_HOST, null, null))).containsExactly("s2");
            assertThat(ids(new SessionQuery(null, null, POOL, PENDING))).containsExactly("s1", "s2");
            assertThat(ids(new SessionQuery(null, HOST, null, ACTIVE))).containsExactly("s3");
            assertThat(ids(new SessionQuery(null, null, "pool-x", null))).isEmpty();
        }

        @Test
        void countsFollowEveryChange() {
            // given
            registry.onAllocation(allocation("s1"), T0);
            registry.onAllocation(allocation("s2"), T0);
            registry.onAgentReport(report("s2", AgentEventType.LOGON), AGENT, T0);
            registry.onAgentReport(report("s1", AgentEventType.LOGOFF), AGENT, T0);

            // then
            assertThat(registry.count(POOL, PENDING)).isZero();
            assertThat(registry.count(POOL, ACTIVE)).isOne();
            assertThat(registry.count(POOL, ENDED)).isOne();
            assertThat(registry.poolsWithSessions()).containsExactly(POOL);
        }

        @Test
        void anOperatorLogoffSendsALogoffCommandToTheSessionsHost() {
            // given
            activeSession("s1", T0);

            // when
            CommandDecision decision = registry.requestLogoff("s1", T0.plusSeconds(1));

            // then
            assertThat(decision).isInstanceOfSatisfying(CommandDecision.SendCommand.class, send -> {
                assertThat(send.command().hostId()).isEqualTo(HOST);
                assertThat(send.command().command()).isEqualTo(HostCommandType.LOGOFF);
                assertThat(send.command().sessionId()).isEqualTo("s1");
                assertThat(send.command().at()).isEqualTo(T0.plusSeconds(1));
            });
            assertThat(registry.find("s1")).map(Session::state).contains(ACTIVE);
        }

        @Test
        void anOperatorLogoffOfAnUnknownOrEndedSessionSendsNothing() {
            // given
            endedSession("s1", T0);

            // then
            assertThat(registry.requestLogoff("s1", T0)).isInstanceOf(CommandDecision.AlreadyEnded.class);
            assertThat(registry.requestLogoff("nope", T0)).isInstanceOf(CommandDecision.UnknownSession.class);
        }
    }

    // ---------------------------------------------------------------- fixtures

    private void activeSession(String sessionId, Instant at) {
        registry.onAllocation(allocation(sessionId), at);
        registry.onAgentReport(report(sessionId, AgentEventType.LOGON), AGENT, at);
    }

    private void endedSession(String sessionId, Instant at) {
        registry.onAllocation(allocation(sessionId), at);
        registry.onAgentReport(report(sessionId, AgentEventType.LOGOFF), AGENT, at);
    }

    private List<String> ids(SessionQuery query) {
        return registry.list(query).stream().map(Session::sessionId).toList();
    }

    private static void assertMove(SessionChange change, SessionState from, SessionState to) {
        assertThat(change.from()).as("from").contains(from);
        assertThat(change.to()).as("to").isEqualTo(to);
    }

    private static List<SessionChange> acceptedChanges(ReportOutcome outcome) {
        assertThat(outcome).isInstanceOf(ReportOutcome.Accepted.class);
        return ((ReportOutcome.Accepted) outcome).changes();
    }

    private static AllocationEvent allocation(String sessionId) {
        return allocation(sessionId, HOST);
    }

    private static AllocationEvent allocation(String sessionId, String hostId) {
        return new AllocationEvent(1, sessionId, "alice", POOL, hostId, "desktop", T0.minusSeconds(1), "broker-1");
    }

    private static AgentReport report(String sessionId, AgentEventType type) {
        return new AgentReport(sessionId, type, "alice", HOST, null);
    }

    private static HostPoolConfig pool(String poolId, int heartbeatSeconds, int pendingTimeoutSeconds) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, heartbeatSeconds, pendingTimeoutSeconds);
    }

    private static HostHealthEvent health(String hostId, String poolId, Health health, List<String> sessionIds,
                                          Instant lastHeartbeat) {
        return new HostHealthEvent(1, hostId, poolId, health, true, null, sessionIds, lastHeartbeat, List.of());
    }
}
