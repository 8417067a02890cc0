package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class HostPlacementTest {

    private final InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
    private final HostPlacement placement = new HostPlacement(cluster, () -> NOW, () -> new SplittableRandom(7));

    private void desktopOn(String poolId, String... users) {
        cluster.appGroup(new AppGroupAccess("desktop", poolId, AppGroupType.DESKTOP, Set.of(users), Set.of("staff")));
    }

    private Decision connect(String userId, String... groups) {
        return placement.decide(new ConnectRequest(userId, "desktop", List.of(groups)));
    }

    @Test
    void anUnknownApplicationGroupIsNotFound() {
        assertThat(connect("alice")).isEqualTo(new Decision.Answer(new ConnectOutcome.AppGroupNotFound("desktop")));
    }

    @Test
    void aUserNotAssignedIsForbidden() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 2));

        assertThat(connect("mallory", "visitors")).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOf(ConnectOutcome.Forbidden.class));
    }

    @Test
    void aMemberOfAnAssignedGroupMayConnect() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 2));
        cluster.host(Hosts.available("h1", "pool", 0));

        assertThat(connect("bob", "staff")).isInstanceOf(Decision.Allocate.class);
    }

    @Test
    void aPoolWithoutConfigHasNoCapacity() {
        desktopOn("pool", "alice");

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOf(ConnectOutcome.NoCapacity.class));
    }

    @Test
    void aLiveSessionIsReturnedEvenOnADrainingFullHost() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 1));
        cluster.host(Hosts.host("h1", "pool", Health.AVAILABLE, false, 1));
        cluster.host(Hosts.available("h2", "pool", 0));
        cluster.seat(UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.DISCONNECTED));

        assertThat(connect("alice")).isEqualTo(new Decision.Answer(
                new ConnectOutcome.Reconnected("s1", "h1", "pool")));
    }

    @Test
    void aSessionTheUserIsInWinsOverOneNotLoggedOnYet() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 5));
        cluster.host(Hosts.available("h1", "pool", 1));
        cluster.host(Hosts.available("h2", "pool", 1));
        cluster.seat(UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.PENDING)
                .withSession("s2", "h2", SessionState.ACTIVE));

        assertThat(connect("alice")).isEqualTo(new Decision.Answer(
                new ConnectOutcome.Reconnected("s2", "h2", "pool")));
    }

    @Test
    void aSessionOnAnUnavailableHostIsNotReturnedAndANewOneIsPlaced() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 5));
        cluster.host(Hosts.host("h1", "pool", Health.NO_HEARTBEAT, true, 1));
        cluster.host(Hosts.available("h2", "pool", 0));
        cluster.seat(UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.ACTIVE));

        Decision decision = connect("alice");

        assertThat(decision).isInstanceOfSatisfying(Decision.Allocate.class, allocate -> {
            assertThat(allocate.candidates().next()).get().extracting(HostEntry::hostId).isEqualTo("h2");
            assertThat(allocate.seatRevision()).isEqualTo(1);
        });
    }

    @Test
    void aConnectWaitsWhileAnotherConnectOfTheSameUserIsAllocating() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 5));
        cluster.seat(UserSeat.empty("pool", "alice").claim("s9", 0, NOW, HostPlacement.SEAT_CLAIM_TTL_MILLIS));

        assertThat(connect("alice")).isEqualTo(new Decision.AwaitOtherConnect("pool", "alice"));
    }

    @Test
    void personalDirectWithoutAnAssignedHostIsForbidden() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.DIRECT, false));
        cluster.host(Hosts.available("h1", "pool", 0));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOfSatisfying(ConnectOutcome.Forbidden.class, forbidden ->
                        assertThat(forbidden.reason()).contains("no host", "assigned")));
    }

    @Test
    void personalDirectUsesTheAssignedHost() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.DIRECT, false));
        cluster.host(Hosts.assigned("h1", "pool", "alice", Health.AVAILABLE));
        cluster.host(Hosts.available("h2", "pool", 0));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Allocate.class, allocate -> {
            assertThat(allocate.personal()).isTrue();
            assertThat(allocate.candidates().next()).get().extracting(HostEntry::hostId).isEqualTo("h1");
            assertThat(allocate.candidates().next()).isEmpty();
        });
    }

    @Test
    void personalAutomaticOffersAnUnassignedHost() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.AUTOMATIC, false));
        cluster.host(Hosts.assigned("h1", "pool", "bob", Health.AVAILABLE));
        cluster.host(Hosts.available("h2", "pool", 0));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Allocate.class, allocate -> {
            assertThat(allocate.personal()).isTrue();
            assertThat(allocate.candidates().next()).get().extracting(HostEntry::hostId).isEqualTo("h2");
        });
    }

    @Test
    void aShutDownPersonalHostIsStartedWhenThePoolStartsVmsOnConnect() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.DIRECT, true));
        cluster.host(Hosts.assigned("h1", "pool", "alice", Health.SHUTDOWN));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.StartHost.class, start -> {
            assertThat(start.hostId()).isEqualTo("h1");
            assertThat(start.retryAfterSeconds()).isPositive();
        });
    }

    @Test
    void aShutDownPersonalHostWithoutStartOnConnectHasNoCapacityWithTheReason() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.AUTOMATIC, false));
        cluster.host(Hosts.assigned("h1", "pool", "alice", Health.SHUTDOWN));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refusal ->
                        assertThat(refusal.reason()).contains("h1", "shut down", "does not start VMs")));
    }

    @Test
    void anUnhealthyPersonalHostHasNoCapacityWithTheReason() {
        desktopOn("pool", "alice");
        cluster.pool(Hosts.personal("pool", PersonalAssignment.AUTOMATIC, true));
        cluster.host(Hosts.assigned("h1", "pool", "alice", Health.NEEDS_ASSISTANCE));

        assertThat(connect("alice")).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refusal ->
                        assertThat(refusal.reason()).contains("NEEDS_ASSISTANCE")));
    }
}
