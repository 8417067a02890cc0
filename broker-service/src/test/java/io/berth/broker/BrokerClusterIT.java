package io.berth.broker;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.SeatSession;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three broker nodes (separate cache managers and Kafka clients, one Infinispan cluster, one consumer group)
 * under concurrent connects spread over all of them: the host limit and personal assignment hold cluster-wide.
 */
class BrokerClusterIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    static BrokerNodes nodes;
    static TopicFixture topics;
    static Connects gateway;
    static final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        topics = new TopicFixture(kafka);
        nodes = new BrokerNodes(kafka, 3);
        nodes.startAll();
        gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        for (int node = 0; node < 3; node++) {
            assertThat(verticle(node).caches().clusterSize()).as("node %d's cluster view", node).isEqualTo(3);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.close();
        topics.close();
    }

    static BrokerVerticle verticle(int node) {
        return (BrokerVerticle) nodes.node(node).verticle();
    }

    /**
     * Waits until every node's index holds the pool's config, {@code hosts} candidate hosts and the pool's
     * application group {@code <pool>-desk} (published last, it may reach a node after the hosts: a connect
     * there would be a 404).
     */
    static void awaitPoolOnEveryNode(String poolId, int hosts) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int node : nodes.runningNodes()) {
                PoolIndex index = verticle(node).index().pool(poolId).orElse(null);
                if (index == null || index.policy().isEmpty() || index.candidateCount() != hosts
                        || verticle(node).index().appGroup(poolId + "-desk").isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Fires all requests at once, each at the node its index picks, and waits for every answer. */
    static List<HttpResponse<Buffer>> storm(int count, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> request) {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(request.apply(i));
        }
        try {
            Future.join(sent).await(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the storm was not answered within 120 s", e);
        }
        return sent.stream().map(Future::result).toList();
    }

    @RepeatedTest(3)
    void threeHundredUsersIntoFiftySeatsPlaceExactlyFifty() {
        String pool = "storm-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, 5);
        for (int h = 0; h < 10; h++) {
            topics.host(pool + "-h" + h, pool, Health.AVAILABLE, true, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitPoolOnEveryNode(pool, 10);

        List<HttpResponse<Buffer>> answers = storm(300,
                i -> gateway.connect(nodes.port(i % 3), pool + "-user-" + i, pool + "-desk"));

        List<HttpResponse<Buffer>> placed = answers.stream().filter(r -> r.statusCode() == 200).toList();
        assertThat(placed).hasSize(50);
        assertThat(answers).filteredOn(r -> r.statusCode() == 503).hasSize(250);
        for (int node = 0; node < 3; node++) {
            for (int h = 0; h < 10; h++) {
                HostEntry host = verticle(node).index().pool(pool).orElseThrow().host(pool + "-h" + h).orElseThrow();
                assertThat(host.liveSessions()).as("sessions on %s seen by node %d", host.hostId(), node)
                        .isEqualTo(5);
            }
        }
        Set<String> placedSessions = placed.stream().map(r -> r.bodyAsJsonObject().getString("sessionId"))
                .collect(Collectors.toSet());
        List<AllocationEvent> allocations = topics.allocations().stream().filter(a -> a.poolId().equals(pool)).toList();
        assertThat(allocations).extracting(AllocationEvent::sessionId).containsExactlyInAnyOrderElementsOf(placedSessions);
        Map<String, Long> perHost = allocations.stream()
                .collect(Collectors.groupingBy(AllocationEvent::hostId, Collectors.counting()));
        assertThat(perHost.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(5));
    }

    @RepeatedTest(3)
    void twentyFirstConnectsIntoAPersonalPoolNeverShareAHost() {
        String pool = "personal-" + runs.incrementAndGet();
        topics.personal(pool, PersonalAssignment.AUTOMATIC, false);
        for (int h = 0; h < 15; h++) {
            topics.host(pool + "-pc" + h, pool, Health.AVAILABLE, true, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitPoolOnEveryNode(pool, 15);

        List<HttpResponse<Buffer>> answers = storm(20,
                i -> gateway.connect(nodes.port(i % 3), pool + "-user-" + i, pool + "-desk"));

        List<String> hosts = answers.stream().filter(r -> r.statusCode() == 200)
                .map(r -> r.bodyAsJsonObject().getString("hostId")).toList();
        assertThat(hosts).hasSize(15).doesNotHaveDuplicates();
        assertThat(answers).filteredOn(r -> r.statusCode() == 503).hasSize(5);
        List<String> owners = new ArrayList<>();
        for (int h = 0; h < 15; h++) {
            owners.add(verticle(0).index().pool(pool).orElseThrow().host(pool + "-pc" + h).orElseThrow()
                    .effectiveUser());
        }
        assertThat(owners).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void aReservationThatNeverReachesBerthSessionsIsReleasedAfterThePendingTimeout() throws Exception {
        String pool = "sweep-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, 1, 2);
        topics.host(pool + "-h0", pool, Health.AVAILABLE, true, null);
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitPoolOnEveryNode(pool, 1);

        // given a node reserved the host's only slot and died before publishing the allocation
        HostEntry reserved = new io.berth.broker.cache.ReplicatedLedger(verticle(1).caches(), System::currentTimeMillis)
                .reserve(pool + "-h0", "lost-session", "ghost", 1, false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(reserved.holds("lost-session")).isTrue();
        assertThat(gateway.connect(nodes.port(0), pool + "-user", pool + "-desk").await().statusCode()).isEqualTo(503);

        // then the slot is free again once the pool's pending timeout has passed
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                gateway.connect(nodes.port(2), pool + "-user", pool + "-desk").await().statusCode() == 200);
        for (int node = 0; node < 3; node++) {
            HostEntry host = verticle(node).index().pool(pool).orElseThrow().host(pool + "-h0").orElseThrow();
            assertThat(host.holds("lost-session")).isFalse();
            assertThat(host.liveSessions()).isEqualTo(1);
        }
    }

    @Test
    void oneUserConnectingThroughEveryNodeAtOnceGetsOneSession() {
        String pool = "single-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.DEPTH_FIRST, 10);
        for (int h = 0; h < 3; h++) {
            topics.host(pool + "-h" + h, pool, Health.AVAILABLE, true, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of("alice"), List.of());
        awaitPoolOnEveryNode(pool, 3);

        List<HttpResponse<Buffer>> answers = storm(12,
                i -> gateway.connect(nodes.port(i % 3), "alice", pool + "-desk", List.of(), null));

        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(answers.stream().map(r -> r.bodyAsJsonObject().getString("sessionId")).distinct()).hasSize(1);
        assertThat(topics.allocations()).filteredOn(a -> a.poolId().equals(pool)).hasSize(1);
    }

    /** A feed counter summed over the running nodes, from their {@code /metrics}. */
    static double feedChanges(String result) {
        Pattern line = Pattern.compile("^berth_feed_changes_total\\{result=\"" + result + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE);
        double sum = 0;
        for (int node : nodes.runningNodes()) {
            String metrics = nodes.web().get(nodes.port(node), "127.0.0.1", "/metrics").send().await().bodyAsString();
            Matcher matcher = line.matcher(metrics);
            assertThat(matcher.find()).as("berth_feed_changes_total{result=%s} on node %d", result, node).isTrue();
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    @Test
    void sessionsFromBerthSessionsConfirmActivateAndFreeTheirSlotsOnEveryNode() {
        String pool = "feed-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.DEPTH_FIRST, 10);
        for (int h = 0; h < 2; h++) {
            topics.host(pool + "-h" + h, pool, Health.AVAILABLE, true, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitPoolOnEveryNode(pool, 2);
        double unchangedAtStart = feedChanges("unchanged");
        // given twelve users placed through all three nodes (depth-first: most of them on one host)
        List<HttpResponse<Buffer>> answers = storm(12,
                i -> gateway.connect(nodes.port(i % 3), pool + "-user-" + i, pool + "-desk"));
        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        List<AllocationEvent> allocations = topics.allocations().stream().filter(a -> a.poolId().equals(pool)).toList();
        assertThat(allocations).hasSize(12);

        // when the session service publishes them PENDING, all at once
        topics.sessions(allocations, SessionState.PENDING);

        // then every node sees all twelve slots confirmed, and the seats the connects had completed were not
        // written again
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int node = 0; node < 3; node++) {
                List<SlotHolder> slots = new ArrayList<>();
                for (int h = 0; h < 2; h++) {
                    slots.addAll(verticle(node).caches().hosts().get(pool + "-h" + h).slots());
                }
                assertThat(slots).as("slots seen by node %d", node).hasSize(12).noneMatch(SlotHolder::isUnconfirmed);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(feedChanges("unchanged") - unchangedAtStart).isGreaterThanOrEqualTo(12));
        double unchangedAfterPending = feedChanges("unchanged");

        // when they turn ACTIVE
        topics.sessions(allocations, SessionState.ACTIVE);

        // then every node's seats say so, and the hosts' slots, confirmed already, were not written again
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int node = 0; node < 3; node++) {
                for (AllocationEvent allocation : allocations) {
                    UserSeat seat = verticle(node).caches().seats().get(UserSeat.key(pool, allocation.userId()));
                    assertThat(seat.sessions()).as("seat of %s on node %d", allocation.userId(), node)
                            .containsExactly(new SeatSession(allocation.sessionId(), allocation.hostId(),
                                    SessionState.ACTIVE));
                }
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(feedChanges("unchanged")).isGreaterThan(unchangedAfterPending));

        // when they end
        topics.sessions(allocations, SessionState.ENDED);

        // then every slot is free and every seat gone on every node, and the pool takes twenty new users
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int node = 0; node < 3; node++) {
                for (int h = 0; h < 2; h++) {
                    assertThat(verticle(node).index().pool(pool).orElseThrow().host(pool + "-h" + h).orElseThrow()
                            .liveSessions()).as("sessions on h%d seen by node %d", h, node).isZero();
                }
                for (AllocationEvent allocation : allocations) {
                    assertThat(verticle(node).caches().seats().get(UserSeat.key(pool, allocation.userId()))).isNull();
                }
            }
        });
        List<HttpResponse<Buffer>> next = storm(21,
                i -> gateway.connect(nodes.port(i % 3), pool + "-next-" + i, pool + "-desk"));
        assertThat(next).filteredOn(r -> r.statusCode() == 200).hasSize(20);
    }
}
