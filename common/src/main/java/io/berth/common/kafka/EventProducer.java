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

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one way Berth writes events: an idempotent {@code acks=all} producer whose {@link #send} completes
 * when the broker has acknowledged the record, and fails when it refuses. Results are delivered on the
 * caller's Vert.x context, never on Kafka's I/O thread.
 *
 * <p>{@code KafkaProducer.send} itself blocks for up to {@code max.block.ms} while it knows no leader for the
 * record's partition, which is the normal state while Kafka is down. Callers run on event loops and on
 * Infinispan's few non-blocking threads, so a send there stalled every connect behind it: the sends run on
 * one thread of their own (which also keeps their order). A record that waited in that thread's queue longer
 * than {@code max.block.ms} fails at once instead of blocking again: while Kafka is down, a caller hears so
 * within about twice {@code max.block.ms}, however many sends queued meanwhile.
 */
public final class EventProducer implements AutoCloseable {

    private final Vertx vertx;
    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics metrics;
    private final Counter failures;
    private final ExecutorService sender;
    private final long maxQueuedNanos;

    private EventProducer(Vertx vertx, Producer<String, byte[]> producer, MeterRegistry registry, String clientId,
                          Duration maxBlock) {
        this.vertx = vertx;
        this.producer = producer;
        this.maxQueuedNanos = maxBlock.toNanos();
        this.sender = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "berth-kafka-send-" + clientId);
            thread.setDaemon(true);
            return thread;
        });
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
        Duration maxBlock = Duration.ofMillis(Long.parseLong(String.valueOf(props.get(ProducerConfig.MAX_BLOCK_MS_CONFIG))));
        return new EventProducer(vertx, producer, registry, clientId, maxBlock);
    }

    /** Around a producer made elsewhere (tests hand in one whose {@code send} blocks as a real one may). */
    static EventProducer around(Vertx vertx, Producer<String, byte[]> producer, MeterRegistry registry,
                                String clientId, Duration maxBlock) {
        return new EventProducer(vertx, producer, registry, clientId, maxBlock);
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
        long queuedAt = System.nanoTime();
        try {
            sender.execute(() -> {
                if (System.nanoTime() - queuedAt > maxQueuedNanos) {
                    fail(context, promise, new TimeoutException("Kafka took no record for longer than "
                            + TimeUnit.NANOSECONDS.toMillis(maxQueuedNanos) + " ms: it is unavailable"));
                    return;
                }
                try {
                    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                        if (error != null) {
                            fail(context, promise, error);
                        } else {
                            context.runOnContext(v -> promise.complete(metadata));
                        }
                    });
                } catch (RuntimeException e) {
                    fail(context, promise, e);
                }
            });
        } catch (RejectedExecutionException e) {
            fail(context, promise, e);
        }
        return promise.future();
    }

    private void fail(Context context, Promise<RecordMetadata> promise, Throwable error) {
        failures.increment();
        context.runOnContext(v -> promise.fail(error));
    }

    @Override
    public void close() {
        // What was queued is handed to the producer first; its close then waits for the acknowledgements.
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
