package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Every 503 of a connect says why: a full pool, a silent fleet, a minority partition, Kafka, not ready. */
class RefusalReasonTest {

    private final AtomicLong clock = new AtomicLong(NOW);
    private final InMemoryCluster cluster = new InMemoryCluster(clock::get);
    private final AtomicBoolean caughtUp = new AtomicBoolean(true);
    private final AtomicBoolean minority = new AtomicBoolean(false);
    /** Each read of the view moves it on while true: the membership changes during every connect. */
    private final AtomicBoolean viewChanging = new AtomicBoolean(false);
    private final AtomicLong view = new AtomicLong(1);
    /** The view change leaves this node alone: a minority. */
    private final AtomicBoolean splitOnViewChange = new AtomicBoolean(false);
    private final ConnectFlow flow = new ConnectFlow(new HostPlacement(cluster, clock::get, ThreadLocalRandom::current),
            cluster, cluster, () -> UUID.randomUUID().toString(), ConnectFlow.Observer.NONE, new NodeStanding() {
        @Override
        public boolean isCaughtUp() {
            return caughtUp.get();
        }

        @Override
        public boolean isInMinority() {
            return minority.get();
        }

        @Override
        public long clusterView() {
            if (!viewChanging.get()) {
                return view.get();
            }
            minority.set(splitOnViewChange.get());
            return view.incrementAndGet();
        }
    });

    private void pooled(int hosts, int maxSessions) {
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, maxSessions));
        for (int i = 0; i < hosts; i++) {
            cluster.host(Hosts.available("h" + i, "pool", 0));
        }
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of(), Set.of("staff")));
    }

    private ConnectOutcome connect(String userId) {
        return flow.connect(new ConnectRequest(userId, "desktop", List.of("staff"))).toCompletableFuture().join();
    }

    @Test
    void aFullPoolIsFull() {
        pooled(1, 1);
        connect("alice");

        ConnectOutcome outcome = connect("bob");

        assertThat(outcome.reasonLabel()).isEqualTo("full");
        assertThat(outcome.metricLabel()).isEqualTo("no_capacity");
    }

    @Test
    void hostsThatAllStoppedHeartbeatingAreNoFreshHeartbeatNotFull() {
        pooled(2, 5);
        clock.addAndGet(91_000);

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refusal -> {
            assertThat(refusal.refusal()).isEqualTo(Refusal.NO_FRESH_HEARTBEAT);
            assertThat(refusal.reason()).contains("fresh heartbeat");
        });
    }

    @Test
    void oneFreshButFullHostAmongStaleOnesIsFull() {
        pooled(1, 1);
        cluster.host(new HostEntry("old", "pool", Health.AVAILABLE, true, null, NOW - 200_000, List.of(), null, 1));
        connect("alice");

        assertThat(connect("bob").reasonLabel()).isEqualTo("full");
    }

    @Test
    void aMinorityNodePlacesNothingButAnswersAReconnect() {
        pooled(2, 5);
        ConnectOutcome placed = connect("alice");
        minority.set(true);

        ConnectOutcome refused = connect("bob");
        ConnectOutcome reconnect = connect("alice");

        assertThat(refused).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refusal -> {
            assertThat(refusal.refusal()).isEqualTo(Refusal.MINORITY_PARTITION);
            assertThat(refusal.reason()).contains("minority partition");
            assertThat(refusal.retryAfterSeconds()).isPositive();
        });
        assertThat(reconnect).isInstanceOf(ConnectOutcome.Reconnected.class);
        assertThat(cluster.allocations).hasSize(1);
        assertThat(cluster.seats.get("pool/bob")).isNull();
        assertThat(placed.reasonLabel()).isEqualTo("none");
    }

    @Test
    void aNodeNotCaughtUpAnswersNothing() {
        pooled(2, 5);
        caughtUp.set(false);

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome.reasonLabel()).isEqualTo("not_ready");
        assertThat(cluster.allocations).isEmpty();
    }

    @Test
    void kafkaNotAnsweringTheAllocationIsKafkaUnavailable() {
        pooled(1, 1);
        cluster.kafkaRefuses = true;

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome).isInstanceOfSatisfying(ConnectOutcome.Failed.class, failed -> {
            assertThat(failed.refusal()).isEqualTo(Refusal.KAFKA_UNAVAILABLE);
            assertThat(failed.reason()).contains("Kafka is unavailable");
        });
    }

    @Test
    void aReservationThatCompletedAcrossAMembershipChangeIsReleasedAndNothingPublished() {
        // given the cluster's view changes while the connect reserves (a split: its write may stand here only)
        pooled(1, 1);
        viewChanging.set(true);

        // when a user connects
        ConnectOutcome outcome = connect("alice");

        // then nothing is allocated, the slot is free again, and the 503 says the cluster could not complete it
        assertThat(outcome.reasonLabel()).isEqualTo("cluster_unavailable");
        assertThat(cluster.allocations).isEmpty();
        assertThat(cluster.hosts.get("h0").liveSessions()).isZero();

        // and once the view is stable, the same user is placed
        viewChanging.set(false);
        assertThat(connect("alice")).isInstanceOf(ConnectOutcome.Placed.class);
    }

    @Test
    void aMembershipChangeThatLeftThisNodeInAMinorityIsMinorityPartition() {
        pooled(1, 1);
        viewChanging.set(true);
        splitOnViewChange.set(true);

        assertThat(connect("alice").reasonLabel()).isEqualTo("minority_partition");
        assertThat(cluster.allocations).isEmpty();
    }
}
