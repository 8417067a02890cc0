package io.berth.common.testing;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Writes records onto a topic as another Berth service would (events with {@link EventCodec}, keys as
 * strings), for tests. Every send returns only once Kafka acknowledged it, so what a test wrote is there
 * before it looks at what the service under test did with it.
 */
public final class EventWriter implements AutoCloseable {

    private static final long ACK_DEADLINE_SECONDS = 30;

    private final KafkaProducer<String, byte[]> producer;

    public EventWriter(KafkaConfig kafka) {
        Map<String, Object> props = KafkaClients.producerProps(kafka, "berth-test-writer");
        // A test may write right after the topics were created, on a busy machine: wait for their metadata.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(props);
    }

    /** Writes {@code event} under {@code key}; a null event writes a tombstone. */
    public void send(String topic, String key, Event event) {
        sendRaw(topic, key, event == null ? null : EventCodec.encode(event));
    }

    /** Writes a record as it is: for malformed values, tombstones and records of another version. */
    public void sendRaw(String topic, String key, byte[] value) {
        await(List.of(producer.send(new ProducerRecord<>(topic, key, value))), topic);
    }

    /** Writes the events in one burst (sent together, then waited for), as a storm brings them. */
    public <T extends Event> void sendAll(String topic, List<T> events, Function<T, String> keyOf) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (T event : events) {
            sent.add(producer.send(new ProducerRecord<>(topic, keyOf.apply(event), EventCodec.encode(event))));
        }
        producer.flush();
        await(sent, topic);
    }

    private static void await(List<Future<RecordMetadata>> sent, String topic) {
        try {
            for (Future<RecordMetadata> record : sent) {
                record.get(ACK_DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not acknowledge a write to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
