package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md 7.4, {@code maxConcurrentLogonsPerHost}: a host holding that many logons in progress (reservations
 * and PENDING sessions) takes no new session until one logs on or ends; reconnects are exempt; 0 is no cap.
 */
class LogonCapTest {

    private final InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
    private final ConnectFlow flow = new ConnectFlow(
            new HostPlacement(cluster, () -> NOW, ThreadLocalRandom::current), cluster, cluster,
            () -> UUID.randomUUID().toString(), ConnectFlow.Observer.NONE);

    private void pool(int hosts, int maxSessions, int logonCap) {
        cluster.pool(new PoolPolicy("pool", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, maxSessions,
                PersonalAssignment.AUTOMATIC, false, 30, 60, logonCap, null));
        for (int i = 0; i < hosts; i++) {
            cluster.host(Hosts.available("h" + i, "pool", 0));
        }
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of(), Set.of("staff")));
    }

    private ConnectOutcome connect(String userId) {
        return flow.connect(new ConnectRequest(userId, "desktop", List.of("staff"))).toCompletableFuture().join();
    }

    private ConnectOutcome.Placed placed(String userId) {
        ConnectOutcome outcome = connect(userId);
        assertThat(outcome).as("connect of %s", userId).isInstanceOf(ConnectOutcome.Placed.class);
        return (ConnectOutcome.Placed) outcome;
    }

    @Test
    void aHostAtItsCapTakesNoNewSessionAndTheRefusalSaysLogonCap() {
        // given two hosts with room for 20 sessions each but 2 logons at a time
        pool(2, 20, 2);
        for (int i = 0; i < 4; i++) {
            placed("user-" + i);
        }

        // when a fifth user connects while no one has logged on
        ConnectOutcome fifth = connect("user-4");

        // then it is deferred by the cap, not told the pool is full
        assertThat(fifth).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refused -> {
            assertThat(refused.reasonLabel()).isEqualTo("logon_cap");
            assertThat(refused.reason()).contains("concurrent-logon limit of 2");
            assertThat(refused.retryAfterSeconds()).isEqualTo(HostPlacement.LOGON_CAP_RETRY_AFTER_SECONDS);
        });
        assertThat(cluster.hosts.values()).allSatisfy(host -> assertThat(host.pendingLogons()).isEqualTo(2));
        assertThat(cluster.allocations).hasSize(4);
        assertThat(cluster.pools.get("pool").pendingLogons()).isEqualTo(4);
    }

    @Test
    void aReconnectToAPendingSessionOnAHostAtItsCapIsExempt() {
        pool(1, 20, 1);
        ConnectOutcome.Placed first = placed("alice");

        ConnectOutcome again = connect("alice");

        assertThat(again).isEqualTo(new ConnectOutcome.Reconnected(first.sessionId(), "h0", "pool"));
        assertThat(connect("bob").reasonLabel()).isEqualTo("logon_cap");
    }

    @Test
    void aLogonOnBerthSessionsFreesThePlaceAtOnce() {
        pool(1, 20, 1);
        ConnectOutcome.Placed alice = placed("alice");
        assertThat(connect("bob").reasonLabel()).isEqualTo("logon_cap");

        // when berth.sessions shows alice's session ACTIVE
        cluster.change("h0", host -> host.confirm(alice.sessionId(), "alice", true));

        // then bob is placed on the same host
        assertThat(placed("bob").hostId()).isEqualTo("h0");
    }

    @Test
    void aPendingSessionOnBerthSessionsStillCountsUntilItLogsOn() {
        pool(1, 20, 1);
        ConnectOutcome.Placed alice = placed("alice");

        cluster.change("h0", host -> host.confirm(alice.sessionId(), "alice", false));

        assertThat(cluster.hosts.get("h0").slots()).singleElement().satisfies(slot -> {
            assertThat(slot.isUnconfirmed()).isFalse();
            assertThat(slot.isPendingLogon()).isTrue();
        });
        assertThat(connect("bob").reasonLabel()).isEqualTo("logon_cap");
    }

    @Test
    void anEndedSessionFreesThePlace() {
        pool(1, 20, 1);
        ConnectOutcome.Placed alice = placed("alice");

        // the session service ended it (pending timeout)
        cluster.change("h0", host -> host.endSession(alice.sessionId()));

        assertThat(placed("bob").hostId()).isEqualTo("h0");
    }

    @Test
    void aCapOfZeroIsNoCap() {
        pool(1, 20, 0);

        for (int i = 0; i < 20; i++) {
            placed("user-" + i);
        }

        assertThat(cluster.hosts.get("h0").pendingLogons()).isEqualTo(20);
        assertThat(connect("user-20").reasonLabel()).as("then the session limit").isEqualTo("full");
    }

    @Test
    void aFullPoolIsFullEvenWhenTheCapIsReachedToo() {
        // h0 is full (its two sessions logged on), h1 is at its cap: what stops the user is the cap on h1
        pool(0, 2, 1);
        cluster.host(Hosts.available("h0", "pool", 2));
        cluster.host(Hosts.available("h1", "pool", 0));
        placed("alice");
        assertThat(connect("bob").reasonLabel()).isEqualTo("logon_cap");

        // once h1's logon is over and it fills up, the pool is full
        cluster.change("h1", host -> host.confirm(host.slots().get(0).sessionId(), "alice", true));
        placed("bob");
        assertThat(connect("carol").reasonLabel()).isEqualTo("full");
    }

    @Test
    void concurrentConnectsNeverPutMoreThanTheCapOnAHost() throws Exception {
        // given ten hosts with a cap of 2 and 200 users connecting at once from many threads
        pool(10, 25, 2);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<CompletableFuture<ConnectOutcome>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String user = "user-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> connect(user), threads));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        } finally {
            threads.shutdownNow();
        }

        // then exactly 20 are placed, two per host, and every other answer is the cap
        Map<String, Long> placedPerHost = answers.stream().map(CompletableFuture::join)
                .filter(ConnectOutcome.Placed.class::isInstance).map(ConnectOutcome.Placed.class::cast)
                .collect(Collectors.groupingBy(ConnectOutcome.Placed::hostId, Collectors.counting()));
        assertThat(placedPerHost).hasSize(10).allSatisfy((host, count) -> assertThat(count).isEqualTo(2L));
        assertThat(answers.stream().map(CompletableFuture::join).filter(a -> !(a instanceof ConnectOutcome.Placed)))
                .hasSize(180).allSatisfy(refused -> assertThat(refused.reasonLabel()).isEqualTo("logon_cap"));
    }
}
