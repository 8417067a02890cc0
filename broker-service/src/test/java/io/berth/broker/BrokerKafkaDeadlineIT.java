package io.berth.broker;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never hang (DESIGN.md 7.1): with Kafka unreachable, a connect that must write answers 503
 * {@code kafka_unavailable} within 10 s, while a reconnect, which writes nothing, is still answered.
 */
class BrokerKafkaDeadlineIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    static BrokerNodes nodes;

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void withKafkaGoneANewSessionIsRefusedWithinTenSecondsAndAReconnectStillAnswered() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        try (TopicFixture topics = new TopicFixture(kafka)) {
            topics.pooled("office", LoadBalancer.BREADTH_FIRST, 5);
            topics.host("h1.office", "office", Health.AVAILABLE, true, null);
            topics.appGroup("desk", "office", List.of("alice", "bob"), List.of());
        }
        nodes = new BrokerNodes(kafka, 1);
        nodes.start(0);
        nodes.awaitReady();
        Connects gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        HttpResponse<Buffer> placed = gateway.connect(nodes.port(0), "alice", "desk", List.of(), null).await();
        assertThat(placed.statusCode()).isEqualTo(200);

        // given Kafka is gone
        kafka.stop();

        // when a new user connects
        long started = System.nanoTime();
        HttpResponse<Buffer> refused = gateway.connect(nodes.port(0), "bob", "desk", List.of(), null).await();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // then the answer is a 503 saying Kafka is unavailable, well within 10 s
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(refused.getHeader("Retry-After")).isNotBlank();
        assertThat(refused.bodyAsJsonObject().getString("detail")).contains("Kafka is unavailable");
        // and the placed user still gets their session back
        HttpResponse<Buffer> reconnect = gateway.connect(nodes.port(0), "alice", "desk", List.of(), null).await();
        assertThat(reconnect.statusCode()).isEqualTo(200);
        assertThat(reconnect.bodyAsJsonObject().getString("sessionId"))
                .isEqualTo(placed.bodyAsJsonObject().getString("sessionId"));
        String metrics = nodes.web().get(nodes.port(0), "127.0.0.1", "/metrics").send().await().bodyAsString();
        assertThat(metrics).contains("berth_connect_requests_total{outcome=\"error\",reason=\"kafka_unavailable\","
                + "service=\"broker-service\"} 1.0");
    }
}
