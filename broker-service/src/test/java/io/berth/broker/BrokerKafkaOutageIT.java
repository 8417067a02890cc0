package io.berth.broker;

import io.berth.broker.domain.HostEntry;
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
 * Durable before answered: when Kafka does not acknowledge the allocation, the gateway gets 503, and since the
 * record may yet be stored, its slot and the user's seat claim stay held (in doubt) rather than being given away.
 */
class BrokerKafkaOutageIT {

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
    void whenKafkaIsGoneTheConnectFailsWith503AndTheReservationIsHeldInDoubt() throws Exception {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        try (TopicFixture topics = new TopicFixture(kafka)) {
            topics.pooled("office", LoadBalancer.BREADTH_FIRST, 1);
            topics.host("h1.office", "office", Health.AVAILABLE, true, null);
            topics.appGroup("desk", "office", List.of("alice"), List.of());
        }
        nodes = new BrokerNodes(kafka, 1);
        nodes.start(0);
        nodes.awaitReady();
        Connects gateway = new Connects(nodes.web(), new TestTokens(nodes.clientVertx()).gateway());
        BrokerVerticle broker = (BrokerVerticle) nodes.node(0).verticle();

        // given Kafka is gone
        kafka.stop();

        // when a user connects
        HttpResponse<Buffer> answer = gateway.connect(nodes.port(0), "alice", "desk", List.of(), null).await();

        // then the answer is a 503 problem, and the slot and the user's seat claim are held, marked in doubt
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.getHeader("Retry-After")).isNotBlank();
        HostEntry host = broker.index().pool("office").orElseThrow().host("h1.office").orElseThrow();
        assertThat(host.liveSessions()).isEqualTo(1);
        assertThat(host.slots().get(0).isInDoubt()).isTrue();
        assertThat(broker.index().seat("office", "alice").orElseThrow().claimSessionId())
                .isEqualTo(host.slots().get(0).sessionId());
    }
}
