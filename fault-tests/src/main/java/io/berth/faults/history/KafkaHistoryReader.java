package io.berth.faults.history;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads {@code berth.allocations} and {@code berth.sessions} from the beginning up to their current end
 * (no consumer group, nothing committed) and builds a pool's {@link SessionHistory}. Records are kept in
 * partition order; a record that does not decode is counted, not skipped silently.
 */
public final class KafkaHistoryReader {

    private final String bootstrap;

    public KafkaHistoryReader(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    public SessionHistory read(String poolId) {
        List<AllocationEvent> allocations = new ArrayList<>();
        List<SessionEvent> sessions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(Topics.ALLOCATIONS)) {
            decode(record, AllocationEvent.class).ifPresent(allocations::add);
        }
        for (ConsumerRecord<byte[], byte[]> record : readAll(Topics.SESSIONS)) {
            decode(record, SessionEvent.class).ifPresent(sessions::add);
        }
        return SessionHistory.of(poolId, allocations, sessions);
    }

    private static <T extends io.berth.common.events.Event> java.util.Optional<T> decode(
            ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        if (record.value() == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(EventCodec.decode(record.value(), type));
        } catch (MalformedEventException e) {
            throw new IllegalStateException("malformed record on " + record.topic() + " at " + record.partition()
                    + "/" + record.offset() + ": " + e.getMessage(), e);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "berth-fault-history");
        // Only committed records: an idempotent producer's records are all committed; this is the default too.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
