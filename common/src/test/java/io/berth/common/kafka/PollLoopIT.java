package io.berth.common.kafka;

import io.berth.common.testing.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The poll loop's failure policies against a real Kafka broker, through a consumer-group {@link TopicReader}. */
class PollLoopIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static Vertx vertx;
    private static Admin admin;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        admin.close();
        vertx.close().await();
    }

    private static void createTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private static void send(String topic, String key) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, key.getBytes())).get(30, TimeUnit.SECONDS);
    }

    private static long committed(String group, String topic) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
        return offset == null ? -1 : offset.offset();
    }

    @Test
    void retryBatchHandlesAFailedBatchAgainUntilItSucceedsAndCommitsOnlyThen() throws Exception {
        // given a topic with three records and a reader whose handler fails twice
        String topic = "poll-loop-retry";
        createTopic(topic);
        for (String key : List.of("a", "b", "c")) {
            send(topic, key);
        }
        AtomicInteger failuresToCome = new AtomicInteger(2);
        List<String> handled = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        // when it reads them
        TopicReader reader = TopicReader.group(vertx, kafka.kafkaConfig(), "retry-reader", "retry-group", topic)
                .failurePolicy(FailurePolicy.RETRY_BATCH)
                .metrics(registry)
                .handler(batch -> {
                    if (failuresToCome.getAndDecrement() > 0) {
                        return Future.failedFuture("Kafka refused the publish");
                    }
                    batch.stream().map(ConsumerRecord::key).forEach(handled::add);
                    return null;
                })
                .start();
        try {
            // then every record is handled, after two failures, and committed
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("retry-group", topic) == 3);
            assertThat(handled).containsExactly("a", "b", "c");
            assertThat(registry.get("berth_consumer_handler_failures_total").counter().count()).isEqualTo(2);
            assertThat(registry.get("berth_consumer_batches_skipped_total").counter().count()).isZero();
        } finally {
            reader.close();
        }
    }

    @Test
    void skipAndCountMovesPastAFailedBatchAndCountsIt() throws Exception {
        // given a reader that cannot handle a record "bad"
        String topic = "poll-loop-skip";
        createTopic(topic);
        List<String> handled = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TopicReader reader = TopicReader.group(vertx, kafka.kafkaConfig(), "skip-reader", "skip-group", topic)
                .failurePolicy(FailurePolicy.SKIP_AND_COUNT)
                .metrics(registry)
                .handler(batch -> {
                    if (batch.stream().anyMatch(r -> r.key().equals("bad"))) {
                        throw new IllegalStateException("cannot handle it");
                    }
                    batch.stream().map(ConsumerRecord::key).forEach(handled::add);
                    return null;
                })
                .start();
        try {
            // when it reads it, then a good record
            send(topic, "bad");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> registry.get("berth_consumer_batches_skipped_total").counter().count() == 1);
            send(topic, "good");

            // then the bad one was skipped and counted, the good one handled, and both committed
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("skip-group", topic) == 2);
            assertThat(handled).containsExactly("good");
            assertThat(registry.get("berth_consumer_handler_failures_total").counter().count()).isEqualTo(1);
        } finally {
            reader.close();
        }
    }
}
