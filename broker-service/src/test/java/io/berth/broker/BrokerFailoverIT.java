package io.berth.broker;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Broker nodes leaving and coming back: nothing answered is lost, and Kafka rebuilds what the caches lost. */
class BrokerFailoverIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    BrokerNodes nodes;
    TopicFixture topics;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (topics != null) {
            topics.close();
        }
    }

    private void pool(String pool, int hosts, int maxSessions) {
        topics.pooled(pool, LoadBalancer.BREADTH_FIRST, maxSessions);
        for (int h = 0; h < hosts; h++) {
            topics.host(pool + "-h" + h, pool, Health.AVAILABLE, true, null);
        }
        topics.appGroup(pool + "-desk", pool, List.of(), List.of("staff"));
    }

    private static String describe(HttpResponse<Buffer> response) {
        return response.statusCode() + " " + response.bodyAsString();
    }

    private static Map<String, String> sessionsByUser(List<HttpResponse<Buffer>> answers, List<String> users) {
        Map<String, String> sessions = new HashMap<>();
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).statusCode() == 200) {
                sessions.put(users.get(i), answers.get(i).bodyAsJsonObject().getString("sessionId"));
            }
        }
        return sessions;
    }

    @Test
    void whenANodeStopsMidStormTheOthersKeepAnsweringAndNothingPlacedIsLost() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        topics = new TopicFixture(kafka);
        pool("fleet", 20, 5);
        nodes = new BrokerNodes(kafka, 3);
        nodes.startAll();
        Connects gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            users.add("user-" + i);
        }

        // given a first wave answered by all three nodes
        List<HttpResponse<Buffer>> first = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            first.add(gateway.connect(nodes.port(i % 3), users.get(i), "fleet-desk").await());
        }
        // when node 2 stops while a second wave hits nodes 0 and 1
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                nodes.stop(2);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 60; i < 240; i++) {
            sent.add(gateway.connect(nodes.port(i % 2), users.get(i), "fleet-desk"));
        }
        Future.join(sent).await(120, TimeUnit.SECONDS);
        stopping.get(60, TimeUnit.SECONDS);
        List<HttpResponse<Buffer>> second = sent.stream().map(Future::result).toList();

        // then every request got a real answer from the surviving nodes
        assertThat(first).extracting(BrokerFailoverIT::describe).allSatisfy(r -> assertThat(r).startsWith("200"));
        assertThat(second).extracting(BrokerFailoverIT::describe).allSatisfy(r -> assertThat(r).matches("(200|503) .*"));
        List<HttpResponse<Buffer>> all = new ArrayList<>(first);
        all.addAll(second);
        Map<String, String> placed = sessionsByUser(all, users);
        assertThat(placed).hasSizeLessThanOrEqualTo(100);
        // every placed session is durable
        Set<String> allocated = topics.allocations().stream().map(AllocationEvent::sessionId).collect(Collectors.toSet());
        assertThat(allocated).containsAll(placed.values());
        // every placed user gets the same session back from a surviving node
        for (Map.Entry<String, String> user : placed.entrySet()) {
            HttpResponse<Buffer> again = gateway.connect(nodes.port(0), user.getKey(), "fleet-desk").await();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.bodyAsJsonObject().getString("sessionId")).isEqualTo(user.getValue());
            assertThat(again.bodyAsJsonObject().getBoolean("reconnect")).isTrue();
        }
        // and no slot leaked: the free seats are exactly what is left of the 100
        int free = 100 - placed.size();
        int more = 0;
        for (int i = 0; i < free + 5; i++) {
            if (gateway.connect(nodes.port(i % 2), "late-" + i, "fleet-desk").await().statusCode() == 200) {
                more++;
            }
        }
        assertThat(more).isEqualTo(free);

        // and the stopped node, started again, joins the running cluster and answers the same
        nodes.start(2);
        nodes.awaitReady();
        for (Map.Entry<String, String> user : placed.entrySet()) {
            HttpResponse<Buffer> again = gateway.connect(nodes.port(2), user.getKey(), "fleet-desk").await();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.bodyAsJsonObject().getString("sessionId")).isEqualTo(user.getValue());
        }
        assertThat(gateway.connect(nodes.port(2), "one-too-many", "fleet-desk").await().statusCode()).isEqualTo(503);
    }

    @Test
    void aRestartedBrokerRebuildsFromKafkaAndReturnsTheSameReconnects() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        topics = new TopicFixture(kafka);
        pool("office", 4, 5);
        nodes = new BrokerNodes(kafka, 1);
        nodes.start(0);
        nodes.awaitReady();
        Connects gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        Map<String, String> before = new HashMap<>();
        Map<String, String> hostBefore = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<Buffer> answer = gateway.connect(nodes.port(0), "worker-" + i, "office-desk").await();
            assertThat(answer.statusCode()).isEqualTo(200);
            before.put("worker-" + i, answer.bodyAsJsonObject().getString("sessionId"));
            hostBefore.put("worker-" + i, answer.bodyAsJsonObject().getString("hostId"));
        }
        // given the session service turned the allocations into sessions on berth.sessions
        int n = 0;
        for (AllocationEvent allocation : topics.allocations()) {
            topics.session(allocation, SessionState.PENDING);
            if (n++ % 2 == 0) {
                topics.session(allocation, SessionState.ACTIVE);
            }
        }

        // when the broker stops and starts again from empty caches
        nodes.stop(0);
        nodes.start(0);
        nodes.awaitReady();

        // then it answers every user with the same session, as a reconnect
        for (Map.Entry<String, String> user : before.entrySet()) {
            HttpResponse<Buffer> again = gateway.connect(nodes.port(0), user.getKey(), "office-desk").await();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.bodyAsJsonObject().getString("sessionId")).isEqualTo(user.getValue());
            assertThat(again.bodyAsJsonObject().getString("hostId")).isEqualTo(hostBefore.get(user.getKey()));
            assertThat(again.bodyAsJsonObject().getBoolean("reconnect")).isTrue();
        }
        // and the hosts' loads came back too: only the 8 free seats of 20 are given out
        int placed = 0;
        for (int i = 0; i < 12; i++) {
            if (gateway.connect(nodes.port(0), "newcomer-" + i, "office-desk").await().statusCode() == 200) {
                placed++;
            }
        }
        assertThat(placed).isEqualTo(8);
    }
}
