package io.berth.session.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EndReason;
import io.berth.common.events.Health;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import static io.berth.common.events.SessionState.ACTIVE;
import static io.berth.common.events.SessionState.ENDED;
import static io.berth.common.events.SessionState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep's deadline queues: a tick decides exactly what a scan of every live session would, looking only at
 * what is due. Time is passed in; nothing sleeps.
 */
class SessionRegistryDeadlinesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Predicate<String> ALL = id -> true;
    private static final Predicate<String> NONE = id -> false;
    private static final String POOL = "pool-a";
    private static final String HOST = "host-1.example.com";
    private static final AgentIdentity AGENT = new AgentIdentity(HOST, "jti-1");

    private SessionRegistry registry;

    @BeforeEach
    void givenAPoolWithA30SecondHeartbeatAndA10SecondPendingTimeout() {
        registry = new SessionRegistry(RETENTION);
        registry.onPoolConfig(pool(POOL, 30, 10));
        registry.onHostRegistration(new HostRegistration(1, HOST, POOL, T0.minusSeconds(3600), "jti-1"));
    }

    @Nested
    class PendingTimeouts {

        @Test
        void aPendingSessionIsEndedOnceWhenItsTimeoutComes() {
            // given a session allocated at T0
            registry.onAllocation(allocation("s1", POOL, T0), T0);

            // when / then
            assertThat(registry.tick(T0.plusSeconds(10).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(10), ALL).changes()).singleElement().satisfies(change -> {
                assertThat(change.to()).isEqualTo(ENDED);
                assertThat(change.current().endReason()).isEqualTo(EndReason.PENDING_TIMEOUT);
            });
            assertThat(registry.tick(T0.plusSeconds(11), ALL).changes()).isEmpty();
        }

        @Test
        void aSessionThatLoggedOnInTimeIsNotEndedAtItsOldDeadline() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);

            // when its logon comes before the timeout
            registry.onAgentReport(logon("s1"), AGENT, T0.plusSeconds(9));

            // then
            assertThat(registry.tick(T0.plusSeconds(10), ALL).changes()).isEmpty();
            assertThat(registry.find("s1")).map(Session::state).contains(ACTIVE);
        }

        @Test
        void aLongerTimeoutConfiguredWhileTheSessionWaitsPostponesItsEnd() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);

            // when the pool's timeout goes from 10 to 30 s
            registry.onPoolConfig(pool(POOL, 30, 30));

            // then
            assertThat(registry.tick(T0.plusSeconds(10), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(29), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(30), ALL).changes()).hasSize(1);
        }

        @Test
        void aShorterTimeoutConfiguredWhileTheSessionWaitsBringsItsEndForward() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);

            // when the pool's timeout goes from 10 to 3 s
            registry.onPoolConfig(pool(POOL, 30, 3));

            // then
            assertThat(registry.tick(T0.plusSeconds(3), ALL).changes()).hasSize(1);
        }

        @Test
        void aSessionThatLearnsItsPoolWaitsForThatPoolsTimeout() {
            // given a session first allocated without a pool (the default 60 s timeout applies)
            registry.onAllocation(allocation("s1", null, T0), T0);

            // when a later allocation names its pool (10 s)
            registry.onAllocation(allocation("s1", POOL, T0), T0.plusSeconds(1));

            // then
            assertThat(registry.tick(T0.plusSeconds(10), ALL).changes()).singleElement()
                    .satisfies(change -> assertThat(change.current().poolId()).isEqualTo(POOL));
        }

        @Test
        void sessionsReadFromTheTopicAtStartAreTimedOutToo() {
            // given a PENDING session rebuilt from berth.sessions
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, PENDING, T0, T0, null));

            // then
            assertThat(registry.tick(T0.plusSeconds(10), ALL).changes()).hasSize(1);
        }

        @Test
        void anEndingWhosePublicationFailedIsDecidedAgainAtTheNextTick() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);
            SessionChange ending = registry.tick(T0.plusSeconds(10), ALL).changes().get(0);

            // when Kafka refuses it
            registry.revert(ending);

            // then
            assertThat(registry.find("s1")).map(Session::state).contains(PENDING);
            assertThat(registry.tick(T0.plusSeconds(11), ALL).changes()).hasSize(1);
        }
    }

    @Nested
    class ReconciliationGrace {

        @Test
        void aSessionItsHostStopsListingEndsAfterTheGrace() {
            // given an active session unlisted from T0 + 1 s (grace 60 s)
            activeSession("s1");
            heartbeat(T0.plusSeconds(1));

            // then
            assertThat(registry.tick(T0.plusSeconds(61).minusMillis(1), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(61), ALL).changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.NOT_REPORTED_BY_HOST));
        }

        @Test
        void aSessionListedAgainAndThenUnlistedAgainWaitsAFullGraceFromTheNewMark() {
            // given
            activeSession("s1");
            heartbeat(T0.plusSeconds(1));
            heartbeat(T0.plusSeconds(20), "s1");

            // when it is unlisted again at T0 + 40 s
            heartbeat(T0.plusSeconds(40));

            // then the first mark's deadline (T0 + 61 s) passes, the second's (T0 + 100 s) ends it
            assertThat(registry.tick(T0.plusSeconds(61), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(99), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(100), ALL).changes()).hasSize(1);
        }

        @Test
        void aShorterHeartbeatConfiguredAfterTheMarkShortensTheGrace() {
            // given
            activeSession("s1");
            heartbeat(T0.plusSeconds(1));

            // when the heartbeat goes from 30 to 5 s: grace 10 s
            registry.onPoolConfig(pool(POOL, 5, 10));

            // then
            assertThat(registry.tick(T0.plusSeconds(11), ALL).changes()).hasSize(1);
        }

        @Test
        void aSessionThatLogsOffBeforeTheGraceIsNotEndedAgain() {
            // given
            activeSession("s1");
            heartbeat(T0.plusSeconds(1));

            // when
            registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGOFF, "alice", HOST, null), AGENT,
                    T0.plusSeconds(5));

            // then
            assertThat(registry.tick(T0.plusSeconds(61), ALL).changes()).isEmpty();
            assertThat(registry.find("s1").orElseThrow().endReason()).isEqualTo(EndReason.LOGOFF);
        }
    }

    @Nested
    class Ownership {

        @Test
        void aDueSessionOwnedElsewhereEndsOnceThisInstanceOwnsIt() {
            // given a session due at T0 + 10 s whose partition another instance owns
            registry.onAllocation(allocation("s1", POOL, T0), T0);
            assertThat(registry.tick(T0.plusSeconds(10), NONE).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(11), NONE).changes()).isEmpty();

            // when the partition moves here
            TickResult result = registry.tick(T0.plusSeconds(12), ALL);

            // then
            assertThat(result.changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.PENDING_TIMEOUT));
        }

        @Test
        void aDueSessionOwnedElsewhereThatLogsOnMeanwhileDoesNotEnd() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);
            registry.tick(T0.plusSeconds(10), NONE);

            // when its logon is read before this instance owns it
            registry.applyPublished(new SessionEvent(1, "s1", "alice", POOL, HOST, ACTIVE, T0,
                    T0.plusSeconds(11), null));

            // then
            assertThat(registry.tick(T0.plusSeconds(12), ALL).changes()).isEmpty();
        }

        @Test
        void aDueSessionOwnedElsewhereWhosePoolGotALongerTimeoutWaitsForIt() {
            // given
            registry.onAllocation(allocation("s1", POOL, T0), T0);
            registry.tick(T0.plusSeconds(10), NONE);

            // when the timeout goes to 30 s
            registry.onPoolConfig(pool(POOL, 30, 30));

            // then
            assertThat(registry.tick(T0.plusSeconds(12), ALL).changes()).isEmpty();
            assertThat(registry.tick(T0.plusSeconds(30), ALL).changes()).hasSize(1);
        }

        @Test
        void theSessionsOfARemovedHostOwnedElsewhereEndOnceOwnedHere() {
            // given
            activeSession("s1");
            registry.onHostRemoved(HOST);
            assertThat(registry.tick(T0.plusSeconds(1), NONE).changes()).isEmpty();

            // then
            assertThat(registry.tick(T0.plusSeconds(2), ALL).changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.HOST_REMOVED));
        }

        @Test
        void aSessionAllocatedToAnAlreadyRemovedHostEndsAtTheNextTick() {
            // given a host removed while it had no sessions
            registry.onHostRemoved(HOST);
            registry.tick(T0, ALL);

            // when the broker, not aware yet, allocates a session to it
            registry.onAllocation(allocation("s1", POOL, T0), T0);

            // then
            assertThat(registry.tick(T0.plusSeconds(1), ALL).changes()).singleElement().satisfies(change ->
                    assertThat(change.current().endReason()).isEqualTo(EndReason.HOST_REMOVED));
        }
    }

    @Nested
    class OwnRecordsReadBack {

        @Test
        void theRegistryHoldsARecordItPublishedUntilTheSessionMovesOn() {
            // given
            Session pending = registry.onAllocation(allocation("s1", POOL, T0), T0).get(0).current();

            // then: bookkeeping (an agent time) does not change the record
            assertThat(registry.holdsRecordOf(pending)).isTrue();
            Session active = ((ReportOutcome.Accepted) registry.onAgentReport(logon("s1"), AGENT,
                    T0.plusSeconds(1))).changes().get(0).current();
            registry.onAgentReport(new AgentReport("s1", AgentEventType.LOGON, "alice", HOST, T0.plusSeconds(2)),
                    AGENT, T0.plusSeconds(2));
            assertThat(registry.holdsRecordOf(pending)).isFalse();
            assertThat(registry.holdsRecordOf(active)).isTrue();
        }
    }

    /**
     * Random inputs, checked at every tick against the rule the sweep had when it looked at every live session:
     * each live session this instance owns ends if its host was removed, its pool's pending timeout has passed
     * since its creation, or the grace has passed since its host stopped listing it.
     */
    @Nested
    class SameDecisionsAsAFullScan {

        private final List<String> hostIds = List.of("h0", "h1", "h2");
        private final List<String> pools = java.util.Arrays.asList("pool-a", "pool-b", null);
        private final Map<String, PoolTimings> timings = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        @ParameterizedTest
        @ValueSource(longs = {11, 12, 13})
        void withOwnershipMovingBetweenInstances(long seed) {
            run(new SessionRegistry(RETENTION), seed, false);
        }

        @ParameterizedTest
        @ValueSource(longs = {21, 22, 23})
        void withTombstonesOnOneInstance(long seed) {
            run(new SessionRegistry(Duration.ofSeconds(20)), seed, true);
        }

        private void run(SessionRegistry subject, long seed, boolean ownsAll) {
            Random random = new Random(seed);
            for (String hostId : hostIds) {
                subject.onHostRegistration(new HostRegistration(1, hostId, "pool-a", T0, "jti-" + hostId));
            }
            Instant now = T0;
            int epoch = 0;
            List<SessionChange> recent = new ArrayList<>();
            List<Session> tombstoned = new ArrayList<>();
            int endings = 0;
            int tombstones = 0;
            for (int step = 0; step < 20_000; step++) {
                String sessionId = "s" + random.nextInt(80);
                String hostId = hostIds.get(random.nextInt(hostIds.size()));
                String poolId = pools.get(random.nextInt(pools.size()));
                switch (random.nextInt(12)) {
                    case 0, 1 -> recent.addAll(subject.onAllocation(new AllocationEvent(1, sessionId, "alice",
                            poolId, hostId, "desktop", now.minusMillis(random.nextInt(3000)), "b"), now));
                    case 2, 3 -> {
                        Session known = subject.find(sessionId).orElse(null);
                        String reporter = known != null && random.nextInt(10) > 0 ? known.hostId() : hostId;
                        AgentEventType type = AgentEventType.values()[random.nextInt(AgentEventType.values().length)];
                        Instant at = random.nextBoolean() ? null : now.minusMillis(random.nextInt(2000));
                        ReportOutcome outcome = subject.onAgentReport(
                                new AgentReport(sessionId, type, "alice", reporter, at),
                                new AgentIdentity(reporter, "jti-" + reporter), now);
                        if (outcome instanceof ReportOutcome.Accepted accepted) {
                            recent.addAll(accepted.changes());
                        }
                    }
                    case 4, 5 -> {
                        List<String> listed = new ArrayList<>();
                        for (Session session : subject.list(new SessionQuery(null, hostId, null, null))) {
                            if (random.nextInt(3) > 0) {
                                listed.add(session.sessionId());
                            }
                        }
                        Health health = random.nextInt(8) == 0 ? Health.NO_HEARTBEAT : Health.AVAILABLE;
                        recent.addAll(subject.onHostHealth(new HostHealthEvent(1, hostId, poolId, health, true, null,
                                listed, now.minusMillis(random.nextInt(1500)), List.of()), now, owner(ownsAll, epoch)));
                    }
                    case 6 -> {
                        if (poolId != null && random.nextInt(4) > 0) {
                            HostPoolConfig config = pool(poolId, 1 + random.nextInt(4), 1 + random.nextInt(8));
                            subject.onPoolConfig(config);
                            timings.put(poolId, new PoolTimings(config.heartbeatSeconds(),
                                    config.pendingTimeoutSeconds()));
                        } else if (poolId != null) {
                            subject.onPoolRemoved(poolId);
                            timings.remove(poolId);
                        }
                    }
                    case 7 -> {
                        if (random.nextInt(3) == 0) {
                            subject.onHostRemoved(hostId);
                            removed.add(hostId);
                        } else {
                            subject.onHostRegistration(new HostRegistration(1, hostId, "pool-a", now,
                                    "jti-" + hostId));
                            removed.remove(hostId);
                        }
                    }
                    case 8 -> {
                        // Another instance's record: often the same session with one field changed.
                        Session known = subject.find(sessionId).orElse(null);
                        SessionState state = SessionState.values()[random.nextInt(SessionState.values().length)];
                        Instant createdAt = random.nextInt(10) == 0 ? null : now.minusMillis(random.nextInt(4000));
                        if (known != null && random.nextBoolean()) {
                            state = random.nextBoolean() ? known.state() : state;
                            poolId = random.nextBoolean() ? known.poolId() : poolId;
                            hostId = random.nextBoolean() ? known.hostId() : hostId;
                        }
                        subject.applyPublished(new SessionEvent(1, sessionId, "alice", poolId, hostId, state,
                                createdAt, now.minusMillis(random.nextInt(1000) - 200),
                                state == ENDED ? "LOGOFF" : null));
                    }
                    case 9 -> {
                        if (!recent.isEmpty()) {
                            subject.revert(recent.remove(random.nextInt(recent.size())));
                        } else if (!tombstoned.isEmpty()) {
                            subject.restore(tombstoned.remove(random.nextInt(tombstoned.size())));
                        }
                    }
                    case 10 -> now = now.plusMillis(random.nextInt(1500));
                    default -> {
                        if (random.nextInt(5) == 0) {
                            epoch++;
                        }
                        Predicate<String> owns = owner(ownsAll, epoch);
                        Map<String, EndReason> expected = dueByFullScan(subject, now, owns);
                        List<String> expectedTombstones = ownsAll ? tombstonesDue(subject, now) : List.of();

                        TickResult result = subject.tick(now, owns);

                        Map<String, EndReason> decided = new TreeMap<>();
                        for (SessionChange change : result.changes()) {
                            assertThat(change.previous().isLive()).isTrue();
                            assertThat(change.to()).isEqualTo(ENDED);
                            decided.put(change.sessionId(), change.current().endReason());
                        }
                        assertThat(decided).as("endings at step %d", step).isEqualTo(expected);
                        if (ownsAll) {
                            assertThat(result.tombstones()).extracting(Session::sessionId)
                                    .as("tombstones at step %d", step).isEqualTo(expectedTombstones);
                        }
                        endings += decided.size();
                        tombstones += result.tombstones().size();
                        recent.addAll(result.changes());
                        tombstoned.addAll(result.tombstones());
                        if (recent.size() > 50) {
                            recent.subList(0, recent.size() - 50).clear();
                        }
                    }
                }
            }
            assertThat(endings).as("endings decided").isGreaterThan(200);
            if (ownsAll) {
                assertThat(tombstones).as("tombstones").isGreaterThan(50);
            }
        }

        private Predicate<String> owner(boolean ownsAll, int epoch) {
            return ownsAll ? ALL : sessionId -> Math.floorMod(sessionId.hashCode() + epoch, 3) != 0;
        }

        private Map<String, EndReason> dueByFullScan(SessionRegistry subject, Instant now, Predicate<String> owns) {
            Map<String, EndReason> due = new TreeMap<>();
            for (Session session : subject.list(new SessionQuery(null, null, null, null))) {
                if (!session.isLive() || !owns.test(session.sessionId())) {
                    continue;
                }
                EndReason reason = endingDue(session, now);
                if (reason != null) {
                    due.put(session.sessionId(), reason);
                }
            }
            return due;
        }

        private EndReason endingDue(Session session, Instant now) {
            if (session.hostId() != null && removed.contains(session.hostId())) {
                return EndReason.HOST_REMOVED;
            }
            PoolTimings pool = session.poolId() == null ? PoolTimings.DEFAULTS
                    : timings.getOrDefault(session.poolId(), PoolTimings.DEFAULTS);
            if (session.state() == PENDING) {
                Instant since = session.createdAt() != null ? session.createdAt() : session.updatedAt();
                return since != null && !now.isBefore(since.plus(pool.pendingTimeout()))
                        ? EndReason.PENDING_TIMEOUT : null;
            }
            return session.unlistedSince() != null && !now.isBefore(session.unlistedSince()
                    .plus(pool.reconciliationGrace())) ? EndReason.NOT_REPORTED_BY_HOST : null;
        }

        private List<String> tombstonesDue(SessionRegistry subject, Instant now) {
            return subject.list(new SessionQuery(null, null, null, ENDED)).stream()
                    .filter(session -> session.updatedAt() != null
                            && !now.isBefore(session.updatedAt().plus(Duration.ofSeconds(20))))
                    .map(Session::sessionId)
                    .sorted()
                    .toList();
        }
    }

    // ---------------------------------------------------------------- fixtures

    private void activeSession(String sessionId) {
        registry.onAllocation(allocation(sessionId, POOL, T0), T0);
        registry.onAgentReport(logon(sessionId), AGENT, T0);
    }

    private void heartbeat(Instant at, String... listed) {
        registry.onHostHealth(new HostHealthEvent(1, HOST, POOL, Health.AVAILABLE, true, null, List.of(listed), at,
                List.of()), at, ALL);
    }

    private static AgentReport logon(String sessionId) {
        return new AgentReport(sessionId, AgentEventType.LOGON, "alice", HOST, null);
    }

    private static AllocationEvent allocation(String sessionId, String poolId, Instant at) {
        return new AllocationEvent(1, sessionId, "alice", poolId, HOST, "desktop", at, "broker-1");
    }

    private static HostPoolConfig pool(String poolId, int heartbeatSeconds, int pendingTimeoutSeconds) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, heartbeatSeconds, pendingTimeoutSeconds);
    }
}
