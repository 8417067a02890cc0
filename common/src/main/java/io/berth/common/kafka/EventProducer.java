package io.berth.common.kafka;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one way Berth writes events: an idempotent {@code acks=all} producer whose {@link #send} completes
 * when the broker has acknowledged the record, and fails when it refuses. Results are delivered on the
 * caller's Vert.x context, never on Kafka's I/O thread.
 */
public final class EventProducer implements AutoCloseable {

    private final Vertx vertx;
    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics metrics;
    private final Counter failures;

    private EventProducer(Vertx vertx, Producer<String, byte[]> producer, MeterRegistry registry) {
        this.vertx = vertx;
        this.producer = producer;
        this.metrics = new KafkaClientMetrics(producer);
        this.metrics.bindTo(registry);
        this.failures = Counter.builder("berth_publish_failures_total")
                .description("Events Kafka refused or did not acknowledge in time")
                .register(registry);
    }

    /** Creates the producer and fetches the metadata of every Berth topic (blocking; off the event loop). */
    public static EventProducer create(Vertx vertx, KafkaConfig config, String clientId, MeterRegistry registry) {
        return create(vertx, config, clientId, registry, Map.of());
    }

    public static EventProducer create(Vertx vertx, KafkaConfig config, String clientId, MeterRegistry registry,
                                       Map<String, Object> overrides) {
        Map<String, Object> props = KafkaClients.producerProps(config, clientId);
        props.putAll(overrides);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props);
        // Warm the metadata so that the first send on the hot path does not block on it.
        for (Topics.TopicSpec topic : Topics.ALL) {
            producer.partitionsFor(topic.name());
        }
        return new EventProducer(vertx, producer, registry);
    }

    public Future<RecordMetadata> send(String topic, String key, Event event) {
        return sendBytes(topic, key, EventCodec.encode(event));
    }

    /** A {@code null} value: deletes the key from a compacted topic. */
    public Future<RecordMetadata> sendTombstone(String topic, String key) {
        return sendBytes(topic, key, null);
    }

    /**
     * Sends a record a service encoded itself (a service-private record on a shared topic, such as the
     * inventory's registration tokens). Prefer {@link #send} for events.
     */
    public Future<RecordMetadata> sendEncoded(String topic, String key, byte[] json) {
        return sendBytes(topic, key, json);
    }

    /** Sends records in order and completes when all are acknowledged. */
    public Future<Void> sendAll(String topic, List<Map.Entry<String, Event>> records) {
        List<Future<RecordMetadata>> sends = records.stream()
                .map(record -> send(topic, record.getKey(), record.getValue()))
                .toList();
        return Future.all(sends).mapEmpty();
    }

    private Future<RecordMetadata> sendBytes(String topic, String key, byte[] value) {
        Context context = vertx.getOrCreateContext();
        Promise<RecordMetadata> promise = Promise.promise();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    failures.increment();
                    context.runOnContext(v -> promise.fail(error));
                } else {
                    context.runOnContext(v -> promise.complete(metadata));
                }
            });
        } catch (RuntimeException e) {
            failures.increment();
            promise.fail(e);
        }
        return promise.future();
    }

    @Override
    public void close() {
        metrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
