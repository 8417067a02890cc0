package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HealthCheck;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.events.Event;
import io.berth.inventory.domain.InventoryOutcome.Refusal;
import io.berth.inventory.domain.InventoryOutcome.Refused;
import io.berth.inventory.kafka.TopicRecords;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InventoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final HealthCheck DISK_OK = new HealthCheck("disk", true, null);

    private final Inventory inventory = new Inventory();

    private static HostPoolConfig pooled(String poolId, int heartbeatSeconds) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 4,
                PersonalAssignment.AUTOMATIC, false, heartbeatSeconds, 60);
    }

    private static HostPoolConfig personal(String poolId, PersonalAssignment assignment) {
        return new HostPoolConfig(1, poolId, PoolType.PERSONAL, LoadBalancer.BREADTH_FIRST, 1, assignment, true, 30, 60);
    }

    /** Commits a decision as the service does once Kafka acknowledged it. */
    private <T> T commit(InventoryOutcome<T> outcome) {
        Decision<T> decision = decided(outcome);
        inventory.apply(decision.changes());
        return decision.answer();
    }

    /** The accepted decision, failing the test on a refusal. */
    private static <T> Decision<T> decided(InventoryOutcome<T> outcome) {
        assertThat(outcome).as("an accepted decision").isInstanceOf(Decision.class);
        return (Decision<T>) outcome;
    }

    private static <T> T answer(InventoryOutcome<T> outcome) {
        return decided(outcome).answer();
    }

    private String tokenFor(String poolId, int ttlSeconds, Instant now) {
        String token = new RegistrationTokens().newToken();
        commit(inventory.createRegistrationToken(poolId, token, ttlSeconds, now));
        return token;
    }

    private RegisteredHost register(String poolId, String hostName, String tokenId, Instant now) {
        return commit(inventory.register(new AgentRegistration(tokenFor(poolId, 3_600, now), hostName), tokenId, now));
    }

    private Decision<Integer> heartbeat(String hostId, String tokenId, AgentStatus status, List<String> sessions,
                                        Instant now) {
        return decided(inventory.heartbeat(hostId, tokenId, new Heartbeat(hostId, status, sessions, List.of(DISK_OK)),
                now));
    }

    private static List<HostHealthEvent> snapshots(List<Change> changes) {
        return changes.stream().filter(Change.HealthSaved.class::isInstance)
                .map(change -> ((Change.HealthSaved) change).snapshot()).toList();
    }

    private Health health(String hostId) {
        return inventory.host(hostId).orElseThrow().health();
    }

    @Test
    void aPoolIsCreatedReplacedAndListed() {
        // when
        Decision<PoolView> created = decided(inventory.putPool(pooled("pool-a", 30)));
        commit(created);
        commit(inventory.putPool(pooled("pool-b", 30)));

        // then
        assertThat(created.changes()).containsExactly(new Change.PoolSaved(pooled("pool-a", 30)));
        assertThat(inventory.pools()).extracting(PoolView::poolId).containsExactly("pool-a", "pool-b");
        assertThat(answer(inventory.poolView("pool-a")).maxSessionsPerHost()).isEqualTo(4);
        assertThat(decided(inventory.putPool(pooled("pool-a", 30))).changes()).as("an identical PUT changes nothing")
                .isEmpty();
    }

    @Test
    void unknownIdsAreNotFound() {
        assertThat(inventory.poolView("nope")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.deletePool("nope")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.hostsOf("nope")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.removeHost("vm")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.appGroupView("ag")).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
        assertThat(inventory.putAppGroup(new AppGroupConfig(1, "ag", "nope", AppGroupType.DESKTOP,
                List.of(), List.of()))).extracting("refusal").isEqualTo(Refusal.NOT_FOUND);
    }

    @Test
    void aPoolWithHostsOrAppGroupsCannotBeDeleted() {
        // given
        commit(inventory.putPool(pooled("pool-a", 30)));
        commit(inventory.putAppGroup(new AppGroupConfig(1, "desk", "pool-a", AppGroupType.DESKTOP, List.of("alice"),
                List.of())));
        register("pool-a", "vm-1", "jti-1", T0);

        // then
        assertThat(inventory.deletePool("pool-a"))
                .isInstanceOfSatisfying(Refused.class, refused -> {
                    assertThat(refused.refusal()).isEqualTo(Refusal.CONFLICT);
                    assertThat(refused.detail()).contains("1 host(s) (vm-1)");
                });

        // when the host and the group go, then the pool and its tokens can
        commit(inventory.removeHost("vm-1"));
        commit(inventory.deleteAppGroup("desk"));
        Decision<Void> deletion = decided(inventory.deletePool("pool-a"));
        assertThat(deletion.changes()).startsWith(new Change.PoolRemoved("pool-a"))
                .hasAtLeastOneElementOfType(Change.TokenRemoved.class);
        commit(deletion);
        assertThat(inventory.pools()).isEmpty();
    }

    @Test
    void anAgentRegistersWithAValidTokenAndGetsAFreshHost() {
        // given
        commit(inventory.putPool(pooled("pool-a", 30)));
        String token = tokenFor("pool-a", 60, T0);

        // when
        Decision<RegisteredHost> decision = decided(inventory.register(new AgentRegistration(token, "VM-1.Corp"),
                "jti-1", T0.plusSeconds(10)));
        commit(decision);

        // then
        assertThat(decision.answer()).isEqualTo(new RegisteredHost("vm-1.corp", "pool-a", "jti-1", 30));
        assertThat(decision.changes()).hasSize(2).first().isInstanceOf(Change.HostRegistered.class);
        assertThat(answer(inventory.hostsOf("pool-a"))).containsExactly(new HostView("vm-1.corp", "pool-a",
                Health.UNAVAILABLE, true, null, 0, 4, null));
        assertThat(inventory.registration("vm-1.corp").orElseThrow().agentTokenId()).isEqualTo("jti-1");
    }

    @Test
    void anUnknownOrExpiredRegistrationTokenIsRefused() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        String token = tokenFor("pool-a", 60, T0);

        assertThat(inventory.register(new AgentRegistration(token, "vm-1"), "j", T0.plusSeconds(60)))
                .extracting("refusal").isEqualTo(Refusal.UNAUTHENTICATED);
        assertThat(inventory.register(new AgentRegistration("brt_forged", "vm-1"), "j", T0))
                .extracting("refusal").isEqualTo(Refusal.UNAUTHENTICATED);
    }

    @Test
    void theTokenIsStoredOnlyAsItsHash() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        String token = new RegistrationTokens().newToken();

        Decision<IssuedToken> decision = decided(inventory.createRegistrationToken("pool-a", token, 60, T0));

        assertThat(decision.answer()).isEqualTo(new IssuedToken(token, T0.plusSeconds(60)));
        Change.TokenSaved saved = (Change.TokenSaved) decision.changes().get(0);
        assertThat(saved.key()).isEqualTo("regtoken/" + RegistrationTokens.hash(token));
        assertThat(new String(TopicRecords.encodeToken(saved.token()))).doesNotContain(token);
    }

    @Test
    void reRegistrationReplacesTheAgentTokenAndKeepsDrainAndAssignment() {
        // given a drained, assigned host in a personal pool
        commit(inventory.putPool(personal("personal", PersonalAssignment.DIRECT)));
        register("personal", "vm-1", "jti-1", T0);
        commit(inventory.patchHost("vm-1", new HostPatch(false, true, "alice")));

        // when it registers again
        Decision<RegisteredHost> again = decided(inventory.register(new AgentRegistration(tokenFor("personal", 60, T0),
                "vm-1"), Optional.of(new AgentCredential("vm-1", "jti-1")), "jti-2", T0.plusSeconds(5)));
        commit(again);

        // then only the registration changes
        assertThat(again.changes()).singleElement().isInstanceOf(Change.HostRegistered.class);
        assertThat(inventory.registration("vm-1").orElseThrow().agentTokenId()).isEqualTo("jti-2");
        assertThat(inventory.host("vm-1").orElseThrow()).extracting(HostView::allowNewSessions, HostView::assignedUser)
                .containsExactly(false, "alice");
        assertThat(inventory.heartbeat("vm-1", "jti-1", new Heartbeat("vm-1", AgentStatus.AVAILABLE, List.of(),
                List.of(DISK_OK)), T0.plusSeconds(6))).extracting("refusal").isEqualTo(Refusal.UNAUTHENTICATED);
    }

    @Test
    void aHostMovedToAnotherPoolStartsAfreshThere() {
        commit(inventory.putPool(personal("personal", PersonalAssignment.DIRECT)));
        commit(inventory.putPool(pooled("pool-b", 30)));
        register("personal", "vm-1", "jti-1", T0);
        commit(inventory.patchHost("vm-1", new HostPatch(false, true, "alice")));
        commit(inventory.removeHost("vm-1")); // DESIGN.md 7.8: only after an admin removed it may it move

        register("pool-b", "vm-1", "jti-2", T0.plusSeconds(1));

        assertThat(answer(inventory.hostsOf("personal"))).isEmpty();
        assertThat(answer(inventory.hostsOf("pool-b"))).singleElement()
                .extracting(HostView::allowNewSessions, HostView::assignedUser).containsExactly(true, null);
    }

    @Test
    void aHeartbeatFromAnotherHostsTokenIsForbiddenAndAStaleTokenUnauthenticated() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "jti-1", T0);
        register("pool-a", "vm-2", "jti-2", T0);

        Heartbeat forVm2 = new Heartbeat("vm-2", AgentStatus.AVAILABLE, List.of(), List.of());
        assertThat(inventory.heartbeat("vm-1", "jti-1", forVm2, T0)).extracting("refusal").isEqualTo(Refusal.FORBIDDEN);
        assertThat(inventory.heartbeat("vm-2", "jti-1", forVm2, T0))
                .extracting("refusal").isEqualTo(Refusal.UNAUTHENTICATED);
        Heartbeat forGhost = new Heartbeat("ghost", AgentStatus.AVAILABLE, List.of(), List.of());
        assertThat(inventory.heartbeat("ghost", "jti-x", forGhost, T0))
                .extracting("refusal").isEqualTo(Refusal.UNAUTHENTICATED);
    }

    @Test
    void heartbeatsArePublishedOnChangeAndUnchangedOnesAtMostOncePerInterval() {
        // given
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "jti-1", T0);

        // when the first heartbeat arrives, then it is published (health changed)
        Decision<Integer> first = heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of("s2", "s1"), T0.plusSeconds(1));
        assertThat(first.answer()).isEqualTo(30);
        assertThat(snapshots(first.changes())).singleElement().satisfies(snapshot -> {
            assertThat(snapshot.health()).isEqualTo(Health.AVAILABLE);
            assertThat(snapshot.sessionIds()).containsExactly("s1", "s2");
            assertThat(snapshot.lastHeartbeat()).isEqualTo(T0.plusSeconds(1));
            assertThat(snapshot.healthChecks()).containsExactly(DISK_OK);
        });
        commit(first);

        // when the same arrives within the interval, then it is only contact
        Decision<Integer> same = heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of("s1", "s2"), T0.plusSeconds(20));
        assertThat(same.changes()).containsExactly(new Change.HeartbeatReceived("vm-1", T0.plusSeconds(20)));
        commit(same);

        // when the same arrives one interval after the published one, then it is published again
        Decision<Integer> due = heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of("s1", "s2"), T0.plusSeconds(31));
        assertThat(snapshots(due.changes())).hasSize(1);
        commit(due);

        // when the sessions change within the interval, then it is published at once
        Decision<Integer> changed = heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of("s1"), T0.plusSeconds(32));
        assertThat(snapshots(changed.changes())).singleElement()
                .extracting(HostHealthEvent::sessionIds).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly("s1");
    }

    @Test
    void aSilentHostTurnsNoHeartbeatByTheClockAndRecoversOnItsNextHeartbeat() {
        // given a host heartbeating in a pool with a 1 s interval
        commit(inventory.putPool(pooled("fast", 1)));
        register("fast", "vm-1", "jti-1", T0);
        inventory.startMonitoring(T0);
        commit(heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of(), T0.plusSeconds(1)));

        // when the clock ticks before and at three intervals of silence
        assertThat(inventory.onClock(T0.plusMillis(3_999))).isEmpty();
        List<Change> stale = inventory.onClock(T0.plusSeconds(4));

        // then the host turns NO_HEARTBEAT, keeping its last heartbeat time
        assertThat(snapshots(stale)).singleElement().satisfies(snapshot -> {
            assertThat(snapshot.health()).isEqualTo(Health.NO_HEARTBEAT);
            assertThat(snapshot.lastHeartbeat()).isEqualTo(T0.plusSeconds(1));
        });
        inventory.apply(stale);
        assertThat(health("vm-1")).isEqualTo(Health.NO_HEARTBEAT);
        assertThat(inventory.onClock(T0.plusSeconds(10))).as("no repeat").isEmpty();

        // when it heartbeats again, then it recovers
        commit(heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of(), T0.plusSeconds(11)));
        assertThat(health("vm-1")).isEqualTo(Health.AVAILABLE);
    }

    @Test
    void silenceIsCountedFromTheStartOfMonitoringAtTheEarliest() {
        // given a host last heard of long before this service (re)started
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "jti-1", T0);
        commit(heartbeat("vm-1", "jti-1", AgentStatus.AVAILABLE, List.of(), T0));
        Instant restart = T0.plusSeconds(3_600);

        // when monitoring starts, then the host has three intervals to show up
        assertThat(inventory.onClock(restart)).as("no checks before monitoring starts").isEmpty();
        inventory.startMonitoring(restart);
        assertThat(snapshots(inventory.onClock(restart.plusSeconds(89)))).isEmpty();
        assertThat(snapshots(inventory.onClock(restart.plusSeconds(90)))).hasSize(1);
    }

    @Test
    void aShutDownHostStaysShutDownWhenItFallsSilent() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "jti-1", T0);
        inventory.startMonitoring(T0);
        commit(heartbeat("vm-1", "jti-1", AgentStatus.SHUTDOWN, List.of(), T0));

        assertThat(snapshots(inventory.onClock(T0.plusSeconds(3_600)))).isEmpty();
    }

    @Test
    void aHostThatNeverHeartbeatsTurnsNoHeartbeat() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        inventory.startMonitoring(T0);
        register("pool-a", "vm-1", "jti-1", T0.plusSeconds(10));

        assertThat(inventory.onClock(T0.plusSeconds(99))).isEmpty();
        assertThat(snapshots(inventory.onClock(T0.plusSeconds(100)))).singleElement()
                .extracting(HostHealthEvent::health).isEqualTo(Health.NO_HEARTBEAT);
    }

    @Test
    void expiredRegistrationTokensAreRemovedByTheClock() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        inventory.startMonitoring(T0);
        String token = tokenFor("pool-a", 60, T0);

        assertThat(inventory.onClock(T0.plusSeconds(59))).isEmpty();
        assertThat(inventory.onClock(T0.plusSeconds(60)))
                .containsExactly(new Change.TokenRemoved(RegistrationTokens.hash(token)));
    }

    @Test
    void drainModeIsSetAndAnIdenticalPatchChangesNothing() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "jti-1", T0);

        Decision<HostView> drain = decided(inventory.patchHost("vm-1", new HostPatch(false, false, null)));
        assertThat(drain.answer().allowNewSessions()).isFalse();
        assertThat(snapshots(drain.changes())).singleElement().extracting(HostHealthEvent::allowNewSessions)
                .isEqualTo(false);
        commit(drain);

        assertThat(decided(inventory.patchHost("vm-1", new HostPatch(false, false, null))).changes()).isEmpty();
    }

    @Test
    void usersAreAssignedOnlyInPersonalPoolsAndToOneHostPerPool() {
        // given
        commit(inventory.putPool(pooled("pool-a", 30)));
        commit(inventory.putPool(personal("personal", PersonalAssignment.DIRECT)));
        register("pool-a", "vm-p", "j0", T0);
        register("personal", "vm-1", "j1", T0);
        register("personal", "vm-2", "j2", T0);

        // then
        assertThat(inventory.patchHost("vm-p", new HostPatch(null, true, "alice")))
                .extracting("refusal").isEqualTo(Refusal.CONFLICT);
        commit(inventory.patchHost("vm-1", new HostPatch(null, true, "alice")));
        assertThat(inventory.patchHost("vm-2", new HostPatch(null, true, "alice")))
                .isInstanceOfSatisfying(Refused.class, refused -> {
                    assertThat(refused.refusal()).isEqualTo(Refusal.CONFLICT);
                    assertThat(refused.detail()).contains("already has host 'vm-1'");
                });
        assertThat(decided(inventory.patchHost("vm-1", new HostPatch(null, true, "alice"))).changes()).isEmpty();

        // and a personal pool with assignments cannot turn POOLED
        assertThat(inventory.putPool(pooled("personal", 30)))
                .extracting("refusal").isEqualTo(Refusal.CONFLICT);

        // when unassigned, then the user may get the other host
        commit(inventory.patchHost("vm-1", new HostPatch(null, true, null)));
        commit(inventory.patchHost("vm-2", new HostPatch(null, true, "alice")));
        assertThat(answer(inventory.hostsOf("personal"))).extracting(HostView::assignedUser)
                .containsExactly(null, "alice");
    }

    @Test
    void anAutomaticAllocationAssignsAnUnassignedHostOnce() {
        // given
        commit(inventory.putPool(personal("auto", PersonalAssignment.AUTOMATIC)));
        commit(inventory.putPool(personal("direct", PersonalAssignment.DIRECT)));
        register("auto", "vm-1", "j1", T0);
        register("auto", "vm-2", "j2", T0);
        register("direct", "vm-3", "j3", T0);

        // when
        List<Change> first = inventory.onAllocation(allocation("s1", "alice", "auto", "vm-1"));
        inventory.apply(first);

        // then
        assertThat(snapshots(first)).singleElement().extracting(HostHealthEvent::assignedUser).isEqualTo("alice");
        assertThat(inventory.onAllocation(allocation("s2", "alice", "auto", "vm-1"))).as("already hers").isEmpty();
        assertThat(inventory.onAllocation(allocation("s3", "bob", "auto", "vm-1"))).as("taken").isEmpty();
        assertThat(inventory.onAllocation(allocation("s4", "alice", "auto", "vm-2"))).as("she has one").isEmpty();
        assertThat(inventory.onAllocation(allocation("s5", "carol", "direct", "vm-3"))).as("DIRECT pool").isEmpty();
    }

    private static AllocationEvent allocation(String sessionId, String userId, String poolId, String hostId) {
        return new AllocationEvent(1, sessionId, userId, poolId, hostId, "ag", T0, "node-1");
    }

    @Test
    void liveSessionsAreCountedPerHostFromTheSessionsTopic() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "j1", T0);

        inventory.onSession(session("s1", "vm-1", SessionState.PENDING));
        inventory.onSession(session("s2", "vm-1", SessionState.ACTIVE));
        inventory.onSession(session("s2", "vm-1", SessionState.DISCONNECTED));
        inventory.onSession(session("s3", "vm-1", SessionState.ACTIVE));
        inventory.onSession(session("s3", "vm-1", SessionState.ENDED));
        inventory.onSessionRemoved("s3");
        inventory.onSessionRemoved("unknown");

        assertThat(answer(inventory.hostsOf("pool-a"))).singleElement().extracting(HostView::sessions).isEqualTo(2);
    }

    @Test
    void capacityCountsTheSlotsOfHostsThatTakeNewSessionsAndTheirFreeOnes() {
        // given a pooled pool (4 per host): one host with a session, one full, one drained, one never heard from
        commit(inventory.putPool(pooled("pool-a", 30)));
        commit(inventory.putPool(pooled("empty", 30)));
        for (String host : List.of("vm-1", "vm-2", "vm-3", "vm-4")) {
            register("pool-a", host, "j-" + host, T0);
        }
        for (String host : List.of("vm-1", "vm-2", "vm-3")) {
            commit(heartbeat(host, "j-" + host, AgentStatus.AVAILABLE, List.of(), T0.plusSeconds(1)));
        }
        inventory.onSession(session("s1", "vm-1", SessionState.ACTIVE));
        for (String sessionId : List.of("s2", "s3", "s4", "s5")) {
            inventory.onSession(session(sessionId, "vm-2", SessionState.PENDING));
        }
        commit(inventory.patchHost("vm-3", new HostPatch(false, false, null)));
        // and a personal pool: one host assigned, one not
        commit(inventory.putPool(personal("personal", PersonalAssignment.DIRECT)));
        register("personal", "vm-p1", "j-p1", T0);
        register("personal", "vm-p2", "j-p2", T0);
        commit(heartbeat("vm-p1", "j-p1", AgentStatus.AVAILABLE, List.of(), T0.plusSeconds(1)));
        commit(heartbeat("vm-p2", "j-p2", AgentStatus.AVAILABLE, List.of(), T0.plusSeconds(1)));
        commit(inventory.patchHost("vm-p1", new HostPatch(null, true, "alice")));

        // when the capacity is read
        Map<String, PoolCapacity> capacity = inventory.capacityByPool();

        // then only vm-1 and vm-2 count in pool-a (8 slots, 3 free: vm-2 is full), a pool without hosts has none,
        // and each personal host is one slot, free while unassigned
        assertThat(capacity).containsOnlyKeys("pool-a", "empty", "personal");
        assertThat(capacity.get("pool-a")).isEqualTo(new PoolCapacity(8, 3));
        assertThat(capacity.get("empty")).isEqualTo(new PoolCapacity(0, 0));
        assertThat(capacity.get("personal")).isEqualTo(new PoolCapacity(2, 1));
    }

    private static SessionEvent session(String sessionId, String hostId, SessionState state) {
        return new SessionEvent(1, sessionId, "u", "pool-a", hostId, state, T0, T0, null);
    }

    @Test
    void hostsAreCountedByPoolAndHealth() {
        commit(inventory.putPool(pooled("pool-a", 30)));
        register("pool-a", "vm-1", "j1", T0);
        register("pool-a", "vm-2", "j2", T0);
        commit(heartbeat("vm-1", "j1", AgentStatus.AVAILABLE, List.of(), T0));

        assertThat(inventory.hostCount("pool-a", Health.AVAILABLE)).isEqualTo(1);
        assertThat(inventory.hostCount("pool-a", Health.UNAVAILABLE)).isEqualTo(1);

        commit(inventory.removeHost("vm-1"));
        assertThat(inventory.hostCount("pool-a", Health.AVAILABLE)).isZero();
    }

    @Test
    void theStateIsRebuiltFromTheTopicsRecords() throws Exception {
        // given a state built through decisions, and every published record in order
        commit(inventory.putPool(personal("personal", PersonalAssignment.DIRECT)));
        commit(inventory.putAppGroup(new AppGroupConfig(1, "desk", "personal", AppGroupType.DESKTOP, List.of("alice"),
                List.of("staff"))));
        String token = tokenFor("personal", 3_600, T0);
        List<Change> log = new java.util.ArrayList<>();
        Decision<RegisteredHost> registration = decided(inventory.register(new AgentRegistration(token, "vm-1"), "j1",
                T0));
        commit(registration);
        log.addAll(registration.changes());
        Decision<HostView> assignment = decided(inventory.patchHost("vm-1", new HostPatch(false, true, "alice")));
        commit(assignment);
        log.addAll(assignment.changes());

        // when a new inventory reads those records back
        Inventory rebuilt = new Inventory();
        for (PoolView pool : inventory.pools()) {
            replayConfig(rebuilt, "pool/" + pool.poolId(), EventCodec.encode(inventory.pool(pool.poolId()).orElseThrow()));
        }
        replayConfig(rebuilt, "appgroup/desk", EventCodec.encode(new AppGroupConfig(1, "desk", "personal",
                AppGroupType.DESKTOP, List.of("alice"), List.of("staff"))));
        String hash = RegistrationTokens.hash(token);
        replayConfig(rebuilt, "regtoken/" + hash,
                TopicRecords.encodeToken(inventory.registrationToken(hash).orElseThrow()));
        replayConfig(rebuilt, "some-future/kind", "{}".getBytes());
        for (Change change : log) {
            Change.Published published = (Change.Published) change;
            byte[] value = EventCodec.encode((Event) published.value());
            if (published.stream() == Change.Stream.CONFIG) {
                replayConfig(rebuilt, published.key(), value);
            } else {
                rebuilt.apply(TopicRecords.fromHostHealth(published.key(), value));
            }
        }

        // then it holds the same pools, groups, hosts, assignments and tokens
        assertThat(rebuilt.pools()).isEqualTo(inventory.pools());
        assertThat(rebuilt.appGroups()).isEqualTo(inventory.appGroups());
        assertThat(answer(rebuilt.hostsOf("personal"))).isEqualTo(answer(inventory.hostsOf("personal")));
        assertThat(rebuilt.registrationToken(hash)).isEqualTo(inventory.registrationToken(hash));
        assertThat(answer(rebuilt.register(new AgentRegistration(token, "vm-2"), "j2", T0)).hostId())
                .isEqualTo("vm-2");
    }

    private static void replayConfig(Inventory target, String key, byte[] value) throws Exception {
        Optional<Change> change = TopicRecords.fromConfig(key, value);
        change.ifPresent(target::apply);
    }

    @Test
    void tombstonesRemoveWhatTheyName() throws Exception {
        assertThat(TopicRecords.fromConfig("pool/p", null)).contains(new Change.PoolRemoved("p"));
        assertThat(TopicRecords.fromConfig("appgroup/a", null)).contains(new Change.AppGroupRemoved("a"));
        assertThat(TopicRecords.fromConfig("host/h", null)).contains(new Change.HostUnregistered("h"));
        assertThat(TopicRecords.fromConfig("regtoken/abc", null)).contains(new Change.TokenRemoved("abc"));
        assertThat(TopicRecords.fromHostHealth("h", null)).isEqualTo(new Change.HealthRemoved("h"));
        assertThatThrownBy(() -> TopicRecords.fromConfig("pool/p", "{\"poolId\":\"q\"}".getBytes()))
                .isInstanceOf(io.berth.common.events.MalformedEventException.class);
    }
}
