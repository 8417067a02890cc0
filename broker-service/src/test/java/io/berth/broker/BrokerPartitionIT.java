package io.berth.broker;

import io.berth.broker.domain.HostEntry;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.awaitility.Awaitility;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three broker nodes, one cut off from the other two by a JGroups {@code DISCARD} protocol in its stack (every
 * message to and from the others dropped, as an iptables rule would): the isolated node places nothing and
 * leaves the feed to the majority, the majority places within the limits, and after the heal every node agrees
 * again without a restart.
 */
class BrokerPartitionIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    static BrokerNodes nodes;

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    static BrokerVerticle verticle(int node) {
        return (BrokerVerticle) nodes.node(node).verticle();
    }

    static ProtocolStack stack(int node) {
        JGroupsTransport transport = (JGroupsTransport) verticle(node).caches().hosts().getAdvancedCache()
                .getRpcManager().getTransport();
        return transport.getChannel().getProtocolStack();
    }

    static <V> Map<String, V> localCopy(Cache<String, V> cache) {
        Map<String, V> copy = new HashMap<>();
        cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).forEach(copy::put);
        return copy;
    }

    static HostEntry host(int node, String hostId) {
        return verticle(node).index().pool("split").orElseThrow().host(hostId).orElseThrow();
    }

    @Test
    void anIsolatedNodePlacesNothingTheMajorityStaysWithinTheLimitsAndAllConvergeAfterTheHeal() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        TopicFixture topics = new TopicFixture(kafka);
        topics.pooled("split", LoadBalancer.BREADTH_FIRST, 5);
        for (int h = 0; h < 4; h++) {
            topics.host("split-h" + h, "split", Health.AVAILABLE, true, null);
        }
        topics.appGroup("desk", "split", List.of(), List.of("staff"));
        nodes = new BrokerNodes(kafka, 3);
        nodes.startAll();
        Connects gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> nodes.runningNodes().stream().allMatch(node ->
                verticle(node).index().pool("split").map(p -> p.candidateCount() == 4).orElse(false)));
        // given a user placed before the split
        HttpResponse<Buffer> early = gateway.connect(nodes.port(0), "early", "desk").await();
        assertThat(early.statusCode()).isEqualTo(200);

        // when node 2 loses every message to and from the others
        stack(2).insertProtocol(new DISCARD().discardAll(true), ProtocolStack.Position.ABOVE, TP.class);
        Awaitility.await("node 2 in a minority, nodes 0 and 1 a majority of two").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> verticle(2).caches().isInMinority()
                        && !verticle(0).caches().isInMinority() && verticle(0).caches().clusterSize() == 2
                        && !verticle(1).caches().isInMinority() && verticle(1).caches().clusterSize() == 2);

        // then node 2 refuses a new session with the reason, still answers the reconnect it knows, and leaves
        // the consumer group to the majority
        HttpResponse<Buffer> refused = gateway.connect(nodes.port(2), "isolated-user", "desk").await();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isNotBlank();
        assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.bodyAsJsonObject().getString("detail")).contains("minority partition");
        HttpResponse<Buffer> reconnect = gateway.connect(nodes.port(2), "early", "desk").await();
        assertThat(reconnect.statusCode()).isEqualTo(200);
        assertThat(reconnect.bodyAsJsonObject().getBoolean("reconnect")).isTrue();
        HttpResponse<Buffer> keyed = gateway.connect(nodes.port(2), "early", "desk", List.of("staff"), "retry-1").await();
        assertThat(keyed.statusCode()).as("a reconnect with an Idempotency-Key").isEqualTo(200);
        assertThat(keyed.bodyAsJsonObject().getString("sessionId"))
                .isEqualTo(early.bodyAsJsonObject().getString("sessionId"));
        Awaitility.await("node 2's feed out of the group").atMost(Duration.ofSeconds(10))
                .until(() -> !verticle(2).feed().isInGroup());

        // and the majority places exactly the 19 seats left, among 40 users
        List<HttpResponse<Buffer>> storm = BrokerClusterIT.storm(40,
                i -> gateway.connect(nodes.port(i % 2), "user-" + i, "desk"));
        assertThat(storm).filteredOn(r -> r.statusCode() == 200).hasSize(19);
        assertThat(storm).filteredOn(r -> r.statusCode() == 503).hasSize(21);
        // and the majority applies the feed: the session service's PENDING records confirm the new sessions, and
        // an ENDED session frees its slot
        List<AllocationEvent> allocations = topics.allocations();
        AllocationEvent earlyAllocation = allocations.stream()
                .filter(a -> a.sessionId().equals(early.bodyAsJsonObject().getString("sessionId")))
                .findFirst().orElseThrow();
        topics.sessions(allocations.stream().filter(a -> a != earlyAllocation).toList(), SessionState.PENDING);
        topics.session(earlyAllocation, SessionState.ENDED);
        Awaitility.await("the majority applied the session records").atMost(Duration.ofSeconds(30)).until(() -> {
            for (int h = 0; h < 4; h++) {
                if (host(0, "split-h" + h).slots().stream().anyMatch(slot -> slot.isUnconfirmed())) {
                    return false;
                }
            }
            return !host(0, earlyAllocation.hostId()).holds(earlyAllocation.sessionId());
        });
        assertThat(host(2, earlyAllocation.hostId()).holds(earlyAllocation.sessionId()))
                .as("the minority applied nothing").isTrue();

        // when the partition heals
        stack(2).removeProtocol(DISCARD.class);

        // then all three nodes merge and hold the majority's state: 19 live sessions, none over the limit
        Awaitility.await("one cluster of three again").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    for (int node = 0; node < 3; node++) {
                        if (verticle(node).caches().isInMinority() || verticle(node).caches().clusterSize() != 3) {
                            return false;
                        }
                    }
                    return true;
                });
        Awaitility.await("node 2 converged with the majority").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (int h = 0; h < 4; h++) {
                        assertThat(host(2, "split-h" + h).slots()).as("slots of split-h%d on node 2", h)
                                .containsExactlyInAnyOrderElementsOf(host(0, "split-h" + h).slots());
                    }
                });
        // and every node's copy of the seats and hosts is the majority's, entry for entry: the minority kept
        // the seat of the session that ended during the split, and would have kept it for good
        Awaitility.await("every copy equal to node 0's").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (int node = 1; node < 3; node++) {
                        assertThat(localCopy(verticle(node).caches().seats())).as("seats on node %d", node)
                                .isEqualTo(localCopy(verticle(0).caches().seats()));
                        assertThat(localCopy(verticle(node).caches().hosts())).as("hosts on node %d", node)
                                .isEqualTo(localCopy(verticle(0).caches().hosts()));
                    }
                });
        int live = 0;
        for (int h = 0; h < 4; h++) {
            for (int node = 0; node < 3; node++) {
                assertThat(host(node, "split-h" + h).liveSessions()).isLessThanOrEqualTo(5);
            }
            live += host(0, "split-h" + h).liveSessions();
        }
        assertThat(live).isEqualTo(19);
        // and node 2 places again, into the one seat the ENDED session freed
        Awaitility.await("node 2 places again").atMost(Duration.ofSeconds(30)).until(() ->
                gateway.connect(nodes.port(2), "after-heal", "desk").await().statusCode() == 200);
        String metrics = nodes.web().get(nodes.port(2), "127.0.0.1", "/metrics").send().await().bodyAsString();
        assertThat(metrics).contains("berth_broker_partition_minority{service=\"broker-service\"} 0.0")
                .contains("berth_connect_requests_total{outcome=\"no_capacity\",reason=\"minority_partition\","
                        + "service=\"broker-service\"} 1.0");
        topics.close();
    }
}
