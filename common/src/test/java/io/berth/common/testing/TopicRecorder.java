package io.berth.common.testing;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Records one topic from its beginning, for tests that check what a service published. Each look reads
 * the topic up to its end at that moment (committed records only), so whatever Kafka acknowledged before
 * the call is in the answer. The {@code await...} methods wait for a record with a deadline, never a sleep.
 *
 * @param <V> how values are read: text ({@link #ofText}) or bytes ({@link #of})
 */
public final class TopicRecorder<V> implements AutoCloseable {

    /** How long an {@code await...} without its own deadline waits. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(15);
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<String, V> consumer;
    private final Function<V, byte[]> bytesOf;
    private final List<TopicPartition> partitions;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    private TopicRecorder(KafkaConfig kafka, String topic, Deserializer<V> values, Function<V, byte[]> bytesOf) {
        this.topic = topic;
        this.bytesOf = bytesOf;
        Map<String, Object> props = KafkaClients.consumerProps(kafka, "berth-test-recorder", null);
        props.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        props.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
        this.partitions = consumer.partitionsFor(topic, READ_DEADLINE).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** A recorder whose record values are the raw bytes. */
    public static TopicRecorder<byte[]> of(KafkaConfig kafka, String topic) {
        return new TopicRecorder<>(kafka, topic, new ByteArrayDeserializer(), bytes -> bytes);
    }

    /** A recorder whose record values are text (UTF-8 JSON), for assertions on what a record contains. */
    public static TopicRecorder<String> ofText(KafkaConfig kafka, String topic) {
        return new TopicRecorder<>(kafka, topic, new StringDeserializer(),
                text -> text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every record on the topic so far, in the order read (per partition, the order written). */
    public synchronized List<ConsumerRecord<String, V>> records() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_DEADLINE);
        long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
        while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + READ_DEADLINE);
            }
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
        return List.copyOf(seen);
    }

    /** The records with this key so far, in order. */
    public List<ConsumerRecord<String, V>> records(String key) {
        return records().stream().filter(record -> key.equals(record.key())).toList();
    }

    /** The newest record with this key, if any. */
    public Optional<ConsumerRecord<String, V>> latest(String key) {
        List<ConsumerRecord<String, V>> withKey = records(key);
        return withKey.isEmpty() ? Optional.empty() : Optional.of(withKey.get(withKey.size() - 1));
    }

    /** Waits (at most {@link #DEFAULT_DEADLINE}) for a record matching {@code match}; answers the first one. */
    public ConsumerRecord<String, V> awaitFirst(Predicate<ConsumerRecord<String, V>> match) {
        return awaitFirst(match, DEFAULT_DEADLINE);
    }

    public ConsumerRecord<String, V> awaitFirst(Predicate<ConsumerRecord<String, V>> match, Duration deadline) {
        return awaitPresent("a record on " + topic + " that matches", deadline,
                () -> records().stream().filter(match).findFirst());
    }

    /** Waits (at most {@link #DEFAULT_DEADLINE}) until the newest record of {@code key} matches; answers it. */
    public ConsumerRecord<String, V> awaitLatest(String key, Predicate<ConsumerRecord<String, V>> match) {
        return awaitPresent("the newest record of " + key + " on " + topic + " to match", DEFAULT_DEADLINE,
                () -> latest(key).filter(match));
    }

    /** The events on the topic so far, decoded (tombstones left out). */
    public <T extends Event> List<T> events(Class<T> type) {
        List<T> events = new ArrayList<>();
        for (ConsumerRecord<String, V> record : records()) {
            if (record.value() != null) {
                events.add(decode(record.value(), type));
            }
        }
        return events;
    }

    /** Waits until at least {@code count} events are on the topic; answers all of them. */
    public <T extends Event> List<T> awaitEvents(Class<T> type, int count, Duration deadline) {
        return await(count + " events on " + topic).atMost(deadline).pollInSameThread()
                .pollInterval(Duration.ofMillis(50)).until(() -> events(type), events -> events.size() >= count);
    }

    /** Waits for an event that matches; answers the first one. */
    public <T extends Event> T awaitMatching(Class<T> type, Predicate<T> match, Duration deadline) {
        return awaitPresent("an event on " + topic + " that matches", deadline,
                () -> events(type).stream().filter(match).findFirst());
    }

    private <T> T awaitPresent(String what, Duration deadline, java.util.concurrent.Callable<Optional<T>> look) {
        return await(what).atMost(deadline).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(look, Optional::isPresent).orElseThrow();
    }

    private <T extends Event> T decode(V value, Class<T> type) {
        try {
            return EventCodec.decode(bytesOf.apply(value), type);
        } catch (MalformedEventException e) {
            throw new IllegalStateException("a record on " + topic + " is not a " + type.getSimpleName(), e);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
