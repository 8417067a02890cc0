package io.berth.inventory;

import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TopicRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer's fencing against a real Kafka broker: once a new writer has fenced, the stale one cannot
 * publish, and nothing it sent (committed or not) ever reaches a read_committed reader.
 */
class FencedChangeLogIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static Vertx vertx;

    @BeforeAll
    static void topics() {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ProducerRecord<String, byte[]> record(String key) {
        return new ProducerRecord<>(Topics.CONFIG, key, key.getBytes(StandardCharsets.UTF_8));
    }

    private FencedChangeLog changeLog(String clientId) {
        return new FencedChangeLog(vertx, kafka.kafkaConfig(), clientId, new SimpleMeterRegistry());
    }

    @Test
    void aFencedWriterCannotPublishAndNoneOfItsLateRecordsIsEverRead() throws Exception {
        try (FencedChangeLog stale = changeLog("stale"); FencedChangeLog successor = changeLog("successor");
             TopicRecorder<String> config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG)) {
            // given a writer that published
            await(stale.fence());
            await(stale.publish(List.of(record("fencing/before"))));

            // when another instance fences it, and the stale writer then tries to publish
            await(successor.fence());
            Future<Void> late = stale.publish(List.of(record("fencing/zombie-1"), record("fencing/zombie-2")));

            // then its publish fails, the successor's succeeds, and a read_committed reader sees no zombie record
            assertThatThrownBy(() -> await(late)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(KafkaException.class);
            await(successor.publish(List.of(record("fencing/after"))));
            config.awaitFirst(r -> "fencing/after".equals(r.key()));
            assertThat(config.records()).extracting(ConsumerRecord::key)
                    .contains("fencing/before", "fencing/after")
                    .noneMatch(key -> key.startsWith("fencing/zombie"));
        }
    }

    @Test
    void theFenceAbortsTheStaleWritersOpenTransaction() throws Exception {
        Map<String, Object> props = KafkaClients.producerProps(kafka.kafkaConfig(), "zombie");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, FencedChangeLog.TRANSACTIONAL_ID);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000); // a plain client that may wait, unlike the services
        try (KafkaProducer<String, byte[]> zombie = new KafkaProducer<>(props);
             FencedChangeLog successor = changeLog("successor-2");
             TopicRecorder<String> config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG)) {
            // given a writer with a record sent (and acknowledged by the broker) in a transaction not yet committed
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(record("open/zombie")).get(30, TimeUnit.SECONDS);

            // when a new writer fences it and publishes
            await(successor.fence());
            await(successor.publish(List.of(record("open/after"))));

            // then the open transaction was aborted: its record is never read, and it cannot commit any more
            config.awaitFirst(r -> "open/after".equals(r.key()));
            assertThat(config.records()).extracting(ConsumerRecord::key).doesNotContain("open/zombie");
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }
}
