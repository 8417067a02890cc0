package io.berth.broker;

import io.berth.broker.domain.PoolIndex;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.HostLoad;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md 7.4 and 7.3 on three broker nodes (one Infinispan cluster, one consumer group): the logon cap holds
 * cluster-wide under a storm and frees on LOGON; a host over its load threshold takes no new session but keeps
 * its reconnects; the scaling phase's load balancer replaces the pool's while it exists.
 */
class BrokerLogonCapIT {

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
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.close();
        topics.close();
    }

    static BrokerVerticle verticle(int node) {
        return (BrokerVerticle) nodes.node(node).verticle();
    }

    /** Waits until every node's index of the pool satisfies {@code ready} and knows the pool's application group. */
    static void awaitOnEveryNode(String pool, Predicate<PoolIndex> ready) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int node : nodes.runningNodes()) {
                PoolIndex index = verticle(node).index().pool(pool).orElse(null);
                if (index == null || index.policy().isEmpty() || !ready.test(index)
                        || verticle(node).index().appGroup(pool + "-desk").isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    static List<AllocationEvent> allocations(String pool) {
        return topics.allocations().stream().filter(a -> a.poolId().equals(pool)).toList();
    }

    static List<HttpResponse<Buffer>> storm(String pool, String wave, int count) {
        return BrokerClusterIT.storm(count,
                i -> gateway.connect(nodes.port(i % 3), pool + "-" + wave + "-" + i, pool + "-desk"));
    }

    static String reason(HttpResponse<Buffer> answer) {
        return new JsonObject(answer.bodyAsString()).getString("reason");
    }

    @Test
    void twoHundredConnectsIntoTenHostsWithACapOfTwoPlaceTwentyAndTwentyMoreAfterTheirLogons() {
        // given ten hosts with room for 25 sessions each, at most 2 logons at a time
        String pool = "cap-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, 25, 2, null);
        for (int h = 0; h < 10; h++) {
            topics.hostWithLoad(pool + "-h" + h, pool, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitOnEveryNode(pool, index -> index.candidateCount() == 10);

        // when 200 users connect at once through the three nodes, and nobody logs on
        List<HttpResponse<Buffer>> first = storm(pool, "first", 200);

        // then exactly 20 are placed, the rest deferred by the cap, and no host holds more than 2 pending
        assertThat(first).filteredOn(r -> r.statusCode() == 200).hasSize(20);
        List<HttpResponse<Buffer>> refused = first.stream().filter(r -> r.statusCode() != 200).toList();
        assertThat(refused).hasSize(180).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.getHeader("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.getHeader("Retry-After")).isNotNull();
            assertThat(reason(answer)).isEqualTo("logon_cap");
            assertThat(new JsonObject(answer.bodyAsString()).getString("detail"))
                    .contains("concurrent-logon limit");
        });
        List<AllocationEvent> firstWave = allocations(pool);
        assertThat(firstWave).hasSize(20);
        assertThat(perHost(firstWave).values()).hasSize(10).allSatisfy(count -> assertThat(count).isEqualTo(2L));
        awaitOnEveryNode(pool, index -> index.pendingLogons() == 20);
        assertThat(pendingGauge(pool)).isEqualTo(20.0);

        // when the session service says all twenty are ACTIVE (they logged on)
        topics.sessions(firstWave, SessionState.ACTIVE);
        awaitOnEveryNode(pool, index -> index.pendingLogons() == 0 && index.candidateCount() == 10);

        // then the next 200 connects place exactly 20 more, again at most 2 pending per host
        List<HttpResponse<Buffer>> second = storm(pool, "second", 200);
        assertThat(second).filteredOn(r -> r.statusCode() == 200).hasSize(20);
        assertThat(second).filteredOn(r -> r.statusCode() == 503).hasSize(180)
                .allSatisfy(answer -> assertThat(reason(answer)).isEqualTo("logon_cap"));
        Set<String> firstIds = firstWave.stream().map(AllocationEvent::sessionId).collect(Collectors.toSet());
        List<AllocationEvent> secondWave = allocations(pool).stream()
                .filter(a -> !firstIds.contains(a.sessionId())).toList();
        assertThat(secondWave).hasSize(20);
        assertThat(perHost(secondWave).values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2L));
    }

    @Test
    void aHostAt95PercentCpuUnderAn80PercentThresholdGetsNoNewSessionButItsReconnectsWork() {
        // given alice's session on h-busy, placed while it was idle
        String pool = "load-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, 20, 0, new LoadThresholds(80, null));
        topics.hostWithLoad(pool + "-h-busy", pool, new HostLoad(10, 30));
        topics.hostWithLoad(pool + "-h-idle", pool, new HostLoad(90, 30));
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        awaitOnEveryNode(pool, index -> index.candidateCount() == 1);
        HttpResponse<Buffer> alice = gateway.connect(nodes.port(0), "alice", pool + "-desk").await();
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(alice.bodyAsJsonObject().getString("hostId")).isEqualTo(pool + "-h-busy");

        // when h-busy reports 95 % CPU and h-idle 10 %
        topics.hostWithLoad(pool + "-h-busy", pool, new HostLoad(95, 30));
        topics.hostWithLoad(pool + "-h-idle", pool, new HostLoad(10, 30));
        awaitOnEveryNode(pool, index -> index.candidateCount() == 1
                && index.host(pool + "-h-busy").orElseThrow().load().cpuPct() == 95);

        // then new users land on h-idle only, and alice still reconnects to h-busy through any node
        List<HttpResponse<Buffer>> others = storm(pool, "user", 9);
        assertThat(others).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.bodyAsJsonObject().getString("hostId")).isEqualTo(pool + "-h-idle");
        });
        for (int node = 0; node < 3; node++) {
            HttpResponse<Buffer> again = gateway.connect(nodes.port(node), "alice", pool + "-desk").await();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.bodyAsJsonObject().getString("hostId")).isEqualTo(pool + "-h-busy");
            assertThat(again.bodyAsJsonObject().getBoolean("reconnect")).isTrue();
        }

        // and once h-idle is busy too, a new user is refused with reason load
        topics.hostWithLoad(pool + "-h-idle", pool, new HostLoad(85, 30));
        awaitOnEveryNode(pool, index -> index.candidateCount() == 0);
        HttpResponse<Buffer> refused = gateway.connect(nodes.port(2), "zoe", pool + "-desk").await();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(reason(refused)).isEqualTo("load");
    }

    @Test
    void theScalingPhasesLoadBalancerPlacesWhileItExistsAndThePoolsOwnAfterItsTombstone() {
        // given a breadth-first pool of three hosts whose scaling phase says depth-first
        String pool = "phase-" + runs.incrementAndGet();
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, 10, 0, null);
        for (int h = 0; h < 3; h++) {
            topics.hostWithLoad(pool + "-h" + h, pool, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
        topics.scaling(pool, ScalingPhase.RAMP_DOWN, LoadBalancer.DEPTH_FIRST);
        awaitOnEveryNode(pool, index -> index.candidateCount() == 3
                && index.effectiveLoadBalancer() == LoadBalancer.DEPTH_FIRST);

        // then users connecting one after the other through every node fill one host
        List<String> depthFirst = sequential(pool, "ramp-down", 4);
        assertThat(depthFirst).as("hosts of the depth-first connects").containsOnly(depthFirst.get(0));

        // when the pool leaves its plan (tombstone), breadth-first again: the two empty hosts come first
        topics.scaling(pool, null, null);
        awaitOnEveryNode(pool, index -> index.effectiveLoadBalancer() == LoadBalancer.BREADTH_FIRST);
        List<String> breadthFirst = sequential(pool, "after", 2);
        assertThat(breadthFirst).doesNotHaveDuplicates().doesNotContain(depthFirst.get(0));
    }

    private static List<String> sequential(String pool, String wave, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> {
            HttpResponse<Buffer> answer = gateway.connect(nodes.port(i % 3), pool + "-" + wave + "-" + i,
                    pool + "-desk").await();
            assertThat(answer.statusCode()).isEqualTo(200);
            return answer.bodyAsJsonObject().getString("hostId");
        }).toList();
    }

    private static Map<String, Long> perHost(List<AllocationEvent> allocations) {
        return allocations.stream().collect(Collectors.groupingBy(AllocationEvent::hostId, Collectors.counting()));
    }

    /** {@code berth_pending_sessions{pool}} on node 0's {@code /metrics}. */
    private static double pendingGauge(String pool) {
        String metrics = nodes.web().get(nodes.port(0), "127.0.0.1", "/metrics").send().await().bodyAsString();
        return metrics.lines().filter(line -> line.startsWith("berth_pending_sessions{")
                        && line.contains("pool=\"" + pool + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no berth_pending_sessions for " + pool));
    }
}
