package io.berth.inventory;

import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TopicRecorder;
import io.berth.inventory.FencedChangeLog.Commit;
import io.micrometer.core.instrument.MeterRegistry;
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
 * publish, and nothing it sent (committed or not) ever reaches a read_committed reader. And its group commit:
 * heartbeats gathered within the window share one transaction, never holding back a write that cannot wait.
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
        return changeLog(clientId, new SimpleMeterRegistry(), WriterRole.HEARTBEAT_GATHERING_WINDOW);
    }

    private FencedChangeLog changeLog(String clientId, MeterRegistry registry, Duration gatheringWindow) {
        return new FencedChangeLog(vertx, kafka.kafkaConfig(), clientId, registry, gatheringWindow);
    }

    private static double transactions(MeterRegistry registry) {
        return registry.get("berth_inventory_writer_transactions_total").counter().count();
    }

    @Test
    void aFencedWriterCannotPublishAndNoneOfItsLateRecordsIsEverRead() throws Exception {
        try (FencedChangeLog stale = changeLog("stale"); FencedChangeLog successor = changeLog("successor");
             TopicRecorder<String> config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG)) {
            // given a writer that published
            await(stale.fence());
            await(stale.publish(List.of(record("fencing/before")), Commit.AT_ONCE));

            // when another instance fences it, and the stale writer then tries to publish
            await(successor.fence());
            Future<Void> late = stale.publish(List.of(record("fencing/zombie-1"), record("fencing/zombie-2")),
                    Commit.AT_ONCE);

            // then its publish fails, the successor's succeeds, and a read_committed reader sees no zombie record
            assertThatThrownBy(() -> await(late)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(KafkaException.class);
            await(successor.publish(List.of(record("fencing/after")), Commit.AT_ONCE));
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
            await(successor.publish(List.of(record("open/after")), Commit.AT_ONCE));

            // then the open transaction was aborted: its record is never read, and it cannot commit any more
            config.awaitFirst(r -> "open/after".equals(r.key()));
            assertThat(config.records()).extracting(ConsumerRecord::key).doesNotContain("open/zombie");
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }

    @Test
    void batchesPublishedWithinTheGatheringWindowShareOneTransaction() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FencedChangeLog writer = changeLog("gatherer", registry, Duration.ofSeconds(2));
             TopicRecorder<String> config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG)) {
            await(writer.fence());

            // when three hosts' heartbeats publish within the window
            List<Future<Void>> published = List.of(
                    writer.publish(List.of(record("gathered/host-1")), Commit.GATHERED),
                    writer.publish(List.of(record("gathered/host-2"), record("gathered/host-2-acks")),
                            Commit.GATHERED),
                    writer.publish(List.of(record("gathered/host-3")), Commit.GATHERED));

            // then all three are stored, by one transaction
            await(Future.all(published));
            assertThat(transactions(registry)).isEqualTo(1.0);
            List<String> keys = List.of("gathered/host-1", "gathered/host-2", "gathered/host-2-acks", "gathered/host-3");
            for (String key : keys) {
                config.awaitFirst(r -> key.equals(r.key()));
            }
            assertThat(config.records()).extracting(ConsumerRecord::key).filteredOn(key -> key.startsWith("gathered/"))
                    .containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Test
    void aBatchPublishedAtOnceTakesTheGatheringOnesWithItInsteadOfWaitingBehindThem() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        // a window far longer than await's 30 s: only being taken along can complete the gathering batches
        try (FencedChangeLog writer = changeLog("hurried", registry, Duration.ofMinutes(5))) {
            await(writer.fence());
            Future<Void> heartbeat = writer.publish(List.of(record("hurried/host-1")), Commit.GATHERED);

            Future<Void> adminWrite = writer.publish(List.of(record("hurried/pool")), Commit.AT_ONCE);

            await(Future.all(heartbeat, adminWrite));
            assertThat(transactions(registry)).isEqualTo(1.0);
        }
    }

    @Test
    void gatheringBatchesCommitWhenAskedToOrWhenTheLogCloses() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        Future<Void> atClose;
        try (FencedChangeLog writer = changeLog("flushed", registry, Duration.ofMinutes(5))) {
            await(writer.fence());
            Future<Void> asked = writer.publish(List.of(record("flushed/host-1")), Commit.GATHERED);

            // when work queued behind the gathering batch asks for it
            writer.commitGatheredNow();

            // then it is stored without waiting out the window
            await(asked);
            assertThat(transactions(registry)).isEqualTo(1.0);
            atClose = writer.publish(List.of(record("flushed/host-2")), Commit.GATHERED);
        }
        // and a batch still gathering when the log closes is stored, not failed
        await(atClose);
        assertThat(transactions(registry)).isEqualTo(2.0);
    }
}
