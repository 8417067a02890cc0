package io.berth.common.kafka;

import io.berth.common.testing.KafkaClusterExtension;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay reader told to start at a point in time reads the records written from then on, and no older one. */
class TopicReaderReplayFromIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    @Test
    void aReaderStartingTenMinutesBackSkipsOlderRecords() throws Exception {
        // given records written an hour ago, five minutes ago and now
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaClients.producerProps(kafka.kafkaConfig(), "replay-from-writer"))) {
            for (var record : List.of(Map.entry("an-hour-ago", now.minus(Duration.ofHours(1))),
                    Map.entry("five-minutes-ago", now.minus(Duration.ofMinutes(5))),
                    Map.entry("now", now))) {
                producer.send(new ProducerRecord<>(Topics.HOST_COMMANDS, null, record.getValue().toEpochMilli(),
                        record.getKey(), record.getKey().getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }

        // when a replay reader starts ten minutes back, and another one with nothing that recent
        List<String> recent = Collections.synchronizedList(new ArrayList<>());
        List<String> none = Collections.synchronizedList(new ArrayList<>());
        TopicReader tenMinutes = TopicReader.replay(vertx, kafka.kafkaConfig(), "replay-from-10m", Topics.HOST_COMMANDS)
                .replayFrom(() -> now.minus(Duration.ofMinutes(10)))
                .handler(batch -> {
                    batch.stream().map(ConsumerRecord::key).forEach(recent::add);
                    return null;
                }).start();
        TopicReader future = TopicReader.replay(vertx, kafka.kafkaConfig(), "replay-from-future", Topics.HOST_COMMANDS)
                .replayFrom(() -> now.plus(Duration.ofMinutes(1)))
                .handler(batch -> {
                    batch.stream().map(ConsumerRecord::key).forEach(none::add);
                    return null;
                }).start();
        try {
            tenMinutes.caughtUp().await(30, TimeUnit.SECONDS);
            future.caughtUp().await(30, TimeUnit.SECONDS);

            // then the first reads the two recent records (on whichever partitions); the second reads none
            assertThat(recent).containsExactlyInAnyOrder("five-minutes-ago", "now");
            assertThat(none).isEmpty();
        } finally {
            tenMinutes.close();
            future.close();
        }
    }
}
