package io.berth.inventory;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/** Reads one topic from its beginning with a plain consumer, so tests see exactly what was published. */
final class TopicTail implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    TopicTail(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "key.deserializer", StringDeserializer.class, "value.deserializer", StringDeserializer.class,
                "isolation.level", "read_committed"));
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every record read so far, after reading what is there now. */
    List<ConsumerRecord<String, String>> records() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return List.copyOf(records);
    }

    /** Waits (at most 15 s) for a record matching {@code match}, and returns the first one. */
    ConsumerRecord<String, String> awaitFirst(Predicate<ConsumerRecord<String, String>> match) {
        return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> records().stream().filter(match).findFirst(), Optional::isPresent).orElseThrow();
    }

    /** Waits for the newest record of {@code key} to match. */
    ConsumerRecord<String, String> awaitLatest(String key, Predicate<ConsumerRecord<String, String>> match) {
        return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> latest(key).filter(match), Optional::isPresent).orElseThrow();
    }

    Optional<ConsumerRecord<String, String>> latest(String key) {
        List<ConsumerRecord<String, String>> all = records();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (key.equals(all.get(i).key())) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
