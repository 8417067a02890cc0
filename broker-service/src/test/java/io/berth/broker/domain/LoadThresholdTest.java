package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md 7.4, {@code loadThresholds}: a host whose last heartbeat reported a load at or above a threshold
 * takes no new session; unknown load (a heartbeat without one) is not filtered; reconnects still work.
 */
class LoadThresholdTest {

    private static final PoolPolicy CPU_80 = new PoolPolicy("pool", PoolType.POOLED, LoadBalancer.BREADTH_FIRST,
            20, PersonalAssignment.AUTOMATIC, false, 30, 60, 0, new LoadThresholds(80, null));

    private final InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
    private final ConnectFlow flow = new ConnectFlow(
            new HostPlacement(cluster, () -> NOW, ThreadLocalRandom::current), cluster, cluster,
            () -> UUID.randomUUID().toString(), ConnectFlow.Observer.NONE);

    private static HostEntry reporting(String hostId, HostLoad load) {
        return Hosts.available(hostId, "pool", 0).withHealth("pool", Health.AVAILABLE, true, null, NOW, List.of(),
                load);
    }

    private void pool(HostEntry... hosts) {
        cluster.pool(CPU_80);
        for (HostEntry host : hosts) {
            cluster.host(host);
        }
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of(), Set.of("staff")));
    }

    private ConnectOutcome connect(String userId) {
        return flow.connect(new ConnectRequest(userId, "desktop", List.of("staff"))).toCompletableFuture().join();
    }

    @Test
    void aHostAtTheThresholdIsNotEligibleAndOneBelowIs() {
        assertThat(Eligibility.takesNewSession(reporting("h1", new HostLoad(95, 10)), CPU_80, NOW)).isFalse();
        assertThat(Eligibility.takesNewSession(reporting("h1", new HostLoad(80, 10)), CPU_80, NOW)).isFalse();
        assertThat(Eligibility.whyNot(reporting("h1", new HostLoad(80, 10)), CPU_80, NOW)).get().asString()
                .contains("load");
        assertThat(Eligibility.takesNewSession(reporting("h1", new HostLoad(79.9, 99)), CPU_80, NOW))
                .as("memory has no threshold in this pool").isTrue();
    }

    @Test
    void anUnknownLoadIsNotFiltered() {
        assertThat(Eligibility.takesNewSession(reporting("h1", null), CPU_80, NOW)).isTrue();
    }

    @Test
    void aHeartbeatWithoutLoadClearsTheLastOne() {
        HostEntry busy = reporting("h1", new HostLoad(95, 10));

        HostEntry next = busy.withHealth("pool", Health.AVAILABLE, true, null, NOW + 30_000, List.of());

        assertThat(next.load()).isNull();
        assertThat(Eligibility.takesNewSession(next, CPU_80, NOW + 30_000)).isTrue();
    }

    @Test
    void aMemoryThresholdFiltersToo() {
        PoolPolicy memory90 = new PoolPolicy("pool", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 20,
                PersonalAssignment.AUTOMATIC, false, 30, 60, 0, new LoadThresholds(null, 90));

        assertThat(Eligibility.takesNewSession(reporting("h1", new HostLoad(100, 90)), memory90, NOW)).isFalse();
        assertThat(Eligibility.takesNewSession(reporting("h1", new HostLoad(100, 89)), memory90, NOW)).isTrue();
    }

    @Test
    void aBusyHostGetsNoNewSessionButAReconnectToItStillWorks() {
        // given h-busy reports 95 % CPU under an 80 % threshold and holds alice's session; h-idle reports 10 %
        pool(reporting("h-busy", new HostLoad(95, 40)), reporting("h-idle", new HostLoad(10, 40)));
        cluster.seat(UserSeat.empty("pool", "alice").withSession("s-alice", "h-busy", SessionState.ACTIVE));
        cluster.change("h-busy", host -> host.confirm("s-alice", "alice", true));

        // then new users all land on h-idle, and alice reconnects to h-busy
        for (int i = 0; i < 5; i++) {
            assertThat(connect("user-" + i)).isInstanceOfSatisfying(ConnectOutcome.Placed.class,
                    placed -> assertThat(placed.hostId()).isEqualTo("h-idle"));
        }
        assertThat(connect("alice")).isEqualTo(new ConnectOutcome.Reconnected("s-alice", "h-busy", "pool"));
    }

    @Test
    void whenEveryHostWithAFreeSlotIsOverItsThresholdTheRefusalSaysLoad() {
        pool(reporting("h1", new HostLoad(95, 40)), reporting("h2", new HostLoad(81, 40)));

        ConnectOutcome outcome = connect("bob");

        assertThat(outcome.reasonLabel()).isEqualTo("load");
        assertThat(outcome).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class,
                refused -> assertThat(refused.reason()).contains("load thresholds (cpu 80 %)"));
    }

    @Test
    void theReservationChecksTheLoadAtomicallyToo() {
        // a heartbeat reporting 95 % arrived after the host was picked: the reservation itself refuses
        HostEntry busy = reporting("h1", new HostLoad(95, 10));

        HostEntry after = busy.reserve("s1", "bob", SlotLimits.of(CPU_80), false, NOW);

        assertThat(after.holds("s1")).isFalse();
        assertThat(reporting("h1", new HostLoad(50, 10)).reserve("s1", "bob", SlotLimits.of(CPU_80), false, NOW)
                .holds("s1")).isTrue();
    }
}
