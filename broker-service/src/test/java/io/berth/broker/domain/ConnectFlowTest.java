package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import org.junit.jupiter.api.RepeatedTest;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectFlowTest {

    private final InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
    private final AtomicInteger conflicts = new AtomicInteger();
    private final ConnectFlow flow = new ConnectFlow(
            new HostPlacement(cluster, () -> NOW, ThreadLocalRandom::current), cluster, cluster,
            () -> UUID.randomUUID().toString(), new ConnectFlow.Observer() {
                @Override
                public void reservationConflict(String hostId) {
                    conflicts.incrementAndGet();
                }

                @Override
                public void failure(String what, Throwable cause) {
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
    void aPlacedSessionIsOnTheAllocationLogAndInTheUsersSeat() {
        pooled(2, 2);

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome).isInstanceOfSatisfying(ConnectOutcome.Placed.class, placed -> {
            assertThat(cluster.allocations).containsExactly(new Allocation(placed.sessionId(), "alice", "pool",
                    placed.hostId(), "desktop"));
            assertThat(cluster.hosts.get(placed.hostId()).holds(placed.sessionId())).isTrue();
            assertThat(cluster.seats.get("pool/alice").sessions()).hasSize(1);
            assertThat(cluster.seats.get("pool/alice").claimSessionId()).isNull();
        });
    }

    @Test
    void theSameUserConnectingAgainGetsTheSameSession() {
        pooled(2, 2);

        ConnectOutcome first = connect("alice");
        ConnectOutcome second = connect("alice");

        assertThat(first).isInstanceOf(ConnectOutcome.Placed.class);
        ConnectOutcome.Placed placed = (ConnectOutcome.Placed) first;
        assertThat(second).isEqualTo(new ConnectOutcome.Reconnected(placed.sessionId(), placed.hostId(), "pool"));
        assertThat(cluster.allocations).hasSize(1);
    }

    @Test
    void whenAnotherBrokerTookTheLastSlotTheNextCandidateIsTried() {
        pooled(2, 1);
        // Another node filled h0 and h1's index entry here has not caught up yet: the index still offers it.
        cluster.hosts.put("h0", cluster.hosts.get("h0").confirm("elsewhere", "zoe"));
        cluster.hosts.put("h1", cluster.hosts.get("h1"));

        List<ConnectOutcome> outcomes = List.of(connect("alice"));

        assertThat(outcomes.get(0)).isInstanceOf(ConnectOutcome.Placed.class);
        assertThat(((ConnectOutcome.Placed) outcomes.get(0)).hostId()).isEqualTo("h1");
        assertThat(conflicts.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void aFullPoolHasNoCapacityAndLeavesNoClaim() {
        pooled(1, 1);
        connect("alice");

        ConnectOutcome outcome = connect("bob");

        assertThat(outcome).isInstanceOf(ConnectOutcome.NoCapacity.class);
        assertThat(cluster.seats).doesNotContainKey("pool/bob");
    }

    @Test
    void whenKafkaDoesNotAnswerTheSlotAndSeatStayHeldInDoubtAndTheAnswerIsAnError() {
        pooled(1, 1);
        cluster.kafkaRefuses = true;

        ConnectOutcome outcome = connect("alice");

        // The allocation may still be stored: another connect must not take its slot, nor the user a second one.
        assertThat(outcome).isInstanceOf(ConnectOutcome.Failed.class);
        assertThat(((ConnectOutcome.Failed) outcome).refusal()).isEqualTo(Refusal.KAFKA_UNAVAILABLE);
        assertThat(cluster.hosts.get("h0").liveSessions()).isEqualTo(1);
        assertThat(cluster.hosts.get("h0").slots().get(0).isInDoubt()).isTrue();
        assertThat(cluster.seats.get("pool/alice").claimSessionId()).isEqualTo(cluster.hosts.get("h0").slots().get(0).sessionId());
        cluster.kafkaRefuses = false;
        assertThat(connect("bob")).as("the held slot is not free").isInstanceOf(ConnectOutcome.NoCapacity.class);
    }

    @Test
    void whenTheProducerRefusesBeforeSendingTheReservationIsReleasedAndTheAnswerIsAnError() {
        pooled(1, 1);
        cluster.producerThrows = true;

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome).isInstanceOf(ConnectOutcome.Failed.class);
        assertThat(cluster.hosts.get("h0").liveSessions()).isZero();
        assertThat(cluster.seats).doesNotContainKey("pool/alice");
        cluster.producerThrows = false;
        assertThat(connect("alice")).as("the slot is free again").isInstanceOf(ConnectOutcome.Placed.class);
    }

    @Test
    void aStartCommandIsSentForAShutDownPersonalHost() {
        cluster.pool(Hosts.personal("pool", PersonalAssignment.DIRECT, true));
        cluster.host(Hosts.assigned("h1", "pool", "alice", io.berth.common.events.Health.SHUTDOWN));
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of("alice"), Set.of()));

        ConnectOutcome outcome = connect("alice");

        assertThat(outcome).isEqualTo(new ConnectOutcome.Starting("h1", HostPlacement.START_RETRY_AFTER_SECONDS));
        assertThat(cluster.startCommands).containsExactly("h1");
    }

    @RepeatedTest(5)
    void concurrentConnectsNeverOverbook() throws Exception {
        pooled(10, 5);

        List<ConnectOutcome> outcomes = concurrently(300, i -> connect("user-" + i));

        assertThat(outcomes).filteredOn(o -> o instanceof ConnectOutcome.Placed).hasSize(50);
        assertThat(outcomes).filteredOn(o -> o instanceof ConnectOutcome.NoCapacity).hasSize(250);
        assertThat(cluster.hosts.values()).allSatisfy(host -> assertThat(host.liveSessions()).isLessThanOrEqualTo(5));
        assertThat(cluster.allocations).hasSize(50);
    }

    @RepeatedTest(5)
    void concurrentFirstConnectsIntoAPersonalPoolNeverShareAHost() throws Exception {
        cluster.pool(Hosts.personal("pool", PersonalAssignment.AUTOMATIC, false));
        for (int i = 0; i < 15; i++) {
            cluster.host(Hosts.available("h" + i, "pool", 0));
        }
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of(), Set.of("staff")));

        List<ConnectOutcome> outcomes = concurrently(20, i -> connect("user-" + i));

        List<String> hosts = outcomes.stream().filter(o -> o instanceof ConnectOutcome.Placed)
                .map(o -> ((ConnectOutcome.Placed) o).hostId()).toList();
        assertThat(hosts).hasSize(15).doesNotHaveDuplicates();
        Map<String, String> owners = cluster.hosts.values().stream()
                .collect(Collectors.toMap(HostEntry::hostId, h -> String.valueOf(h.effectiveUser())));
        assertThat(owners.values()).doesNotHaveDuplicates();
    }

    @RepeatedTest(5)
    void oneUserConnectingManyTimesAtOnceHoldsOneSession() throws Exception {
        pooled(10, 5);

        List<ConnectOutcome> outcomes = concurrently(10, i -> connect("alice"));

        assertThat(cluster.allocations).hasSize(1);
        String sessionId = cluster.allocations.get(0).sessionId();
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isIn(
                new ConnectOutcome.Placed(sessionId, cluster.allocations.get(0).hostId(), "pool"),
                new ConnectOutcome.Reconnected(sessionId, cluster.allocations.get(0).hostId(), "pool")));
    }

    private static List<ConnectOutcome> concurrently(int count, java.util.function.IntFunction<ConnectOutcome> task)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<ConnectOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(CompletableFuture.supplyAsync(() -> task.apply(n), pool));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }
}
