package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.cache.ReplicatedLedger;
import io.berth.broker.domain.SeatSession;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import io.berth.broker.feed.FeedApplier;
import io.berth.common.config.ClusterConfig;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed applier on a real two-node Infinispan cluster, given its batches directly (Kafka's part is in
 * {@code BrokerClusterIT}): a batch costs one compute per host and per seat, sent to the entry's owner on the
 * other node when it is there, and changes that change nothing are not sent.
 */
class BrokerFeedIT {

    static final ClusterSecret SECRET = ClusterSecret.ofPassphrase("berth-feed-it-" + UUID.randomUUID());
    static BrokerCaches feedNode;
    static BrokerCaches otherNode;
    static LocalIndex otherIndex;
    static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static FeedApplier applier;
    static long offset;

    @BeforeAll
    static void startTwoNodes() {
        int[] ports = BrokerNodes.freePorts(2);
        String initialHosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "]";
        String cluster = "berth-feed-it-" + UUID.randomUUID();
        feedNode = BrokerCaches.start(new ClusterConfig(cluster, Optional.empty(), "feed-0"),
                new BrokerSettings("127.0.0.1", ports[0], initialHosts, 100, Optional.empty(), 300, "it"), SECRET);
        otherNode = BrokerCaches.start(new ClusterConfig(cluster, Optional.empty(), "feed-1"),
                new BrokerSettings("127.0.0.1", ports[1], initialHosts, 100, Optional.empty(), 300, "it"), SECRET);
        otherIndex = new LocalIndex(System::currentTimeMillis);
        otherIndex.follow(otherNode);
        applier = new FeedApplier(feedNode, metrics.counter("malformed"), metrics.counter("computed"),
                metrics.counter("unchanged"));
        assertThat(feedNode.clusterSize()).isEqualTo(2);
    }

    @AfterAll
    static void stop() {
        if (otherNode != null) {
            otherNode.close();
        }
        if (feedNode != null) {
            feedNode.close();
        }
    }

    private static ConsumerRecord<String, byte[]> record(String topic, String key, Event event) {
        return new ConsumerRecord<>(topic, 0, offset++, key, EventCodec.encode(event));
    }

    private static ConsumerRecord<String, byte[]> session(String pool, String sessionId, String hostId,
                                                          SessionState state) {
        Instant now = Instant.now();
        return record(Topics.SESSIONS, sessionId, new SessionEvent(1, sessionId, "user-" + sessionId, pool, hostId,
                state, now, now, null));
    }

    /** A host whose entry's primary owner is the given node: its computes run there. */
    private static String hostOwnedBy(BrokerCaches node, String prefix) {
        for (int i = 0; ; i++) {
            String hostId = prefix + "-h" + i;
            if (node.hosts().getAdvancedCache().getDistributionManager().getCacheTopology().getDistribution(hostId)
                    .isPrimary()) {
                return hostId;
            }
        }
    }

    private static double count(String name) {
        return metrics.counter(name).count();
    }

    private static List<ConsumerRecord<String, byte[]>> sessions(String pool, List<String> ids, List<String> hosts,
                                                                 SessionState state) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            batch.add(session(pool, ids.get(i), hosts.get(i), state));
        }
        return batch;
    }

    @Test
    void aBatchCostsOneComputePerHostAndSeatAndSkipsWhatChangesNothing() throws Exception {
        String pool = "feed-pool";
        String remote = hostOwnedBy(otherNode, pool);
        String local = hostOwnedBy(feedNode, pool);
        applier.apply(List.of(
                record(Topics.CONFIG, ConfigKey.pool(pool).asString(), new HostPoolConfig(1, pool, PoolType.POOLED,
                        LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, 30, 60)),
                record(Topics.HOST_HEALTH, remote, new HostHealthEvent(1, remote, pool, Health.AVAILABLE, true, null,
                        List.of(), Instant.now(), List.of())),
                record(Topics.HOST_HEALTH, local, new HostHealthEvent(1, local, pool, Health.AVAILABLE, true, null,
                        List.of(), Instant.now(), List.of()))));
        // given five sessions placed on one host and one on the other by the connect path of the other node
        List<String> ids = IntStream.range(0, 6).mapToObj(i -> "feed-s" + i).toList();
        List<String> hosts = List.of(remote, remote, remote, remote, remote, local);
        ReplicatedLedger connects = new ReplicatedLedger(otherNode, System::currentTimeMillis);
        List<CompletableFuture<?>> placed = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String sessionId = ids.get(i);
            String hostId = hosts.get(i);
            String userId = "user-" + sessionId;
            placed.add(connects.claimSeat(pool, userId, sessionId, 0)
                    .thenCompose(seat -> connects.reserve(hostId, sessionId, userId, 10, false))
                    .thenCompose(entry -> connects.completeSeat(pool, userId, sessionId, hostId))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(placed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        double computed = count("computed");
        double unchanged = count("unchanged");

        // when berth.sessions shows them PENDING in one batch
        applier.apply(sessions(pool, ids, hosts, SessionState.PENDING));

        // then each host took one compute confirming all its slots, and the seats the connects completed were not
        // written again
        assertThat(count("computed") - computed).as("one compute per host").isEqualTo(2);
        assertThat(count("unchanged") - unchanged).as("six seats already PENDING").isEqualTo(6);
        for (BrokerCaches node : List.of(feedNode, otherNode)) {
            assertThat(node.hosts().get(remote).slots()).extracting(SlotHolder::sessionId)
                    .containsExactlyInAnyOrderElementsOf(ids.subList(0, 5));
            assertThat(node.hosts().get(remote).slots()).noneMatch(SlotHolder::isUnconfirmed);
            assertThat(node.hosts().get(local).slots())
                    .containsExactly(new SlotHolder("feed-s5", "user-feed-s5", 0L));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(otherIndex.hostsWithUnconfirmedReservations()).doesNotContainKeys(remote, local));

        // when they turn ACTIVE in one batch
        computed = count("computed");
        unchanged = count("unchanged");
        applier.apply(sessions(pool, ids, hosts, SessionState.ACTIVE));

        // then the hosts are not written (their slots are confirmed already), every seat is
        assertThat(count("unchanged") - unchanged).as("two hosts already confirmed").isEqualTo(2);
        assertThat(count("computed") - computed).as("six seats").isEqualTo(6);
        for (BrokerCaches node : List.of(feedNode, otherNode)) {
            for (int i = 0; i < ids.size(); i++) {
                UserSeat seat = node.seats().get(UserSeat.key(pool, "user-" + ids.get(i)));
                assertThat(seat.sessions()).containsExactly(new SeatSession(ids.get(i), hosts.get(i),
                        SessionState.ACTIVE));
            }
        }

        // when four on the first host end while the fifth is seen again, all in one batch
        computed = count("computed");
        List<ConsumerRecord<String, byte[]>> ending = new ArrayList<>(sessions(pool, ids.subList(0, 4),
                hosts.subList(0, 4), SessionState.ENDED));
        ending.add(session(pool, ids.get(4), remote, SessionState.ACTIVE));
        applier.apply(ending);

        // then one compute frees the four slots; the fifth session and its seat are left as they are
        assertThat(count("computed") - computed).as("one host, four seats").isEqualTo(5);
        for (BrokerCaches node : List.of(feedNode, otherNode)) {
            assertThat(node.hosts().get(remote).slots()).extracting(SlotHolder::sessionId)
                    .containsExactly("feed-s4");
            assertThat(ids.subList(0, 4).stream().map(id -> node.seats().get(UserSeat.key(pool, "user-" + id)))
                    .collect(Collectors.toList())).as("vacant seats are removed").containsOnlyNulls();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(otherIndex.pool(pool).orElseThrow().host(remote).orElseThrow().liveSessions())
                        .as("the other node's index follows the grouped change").isEqualTo(1));
    }
}
