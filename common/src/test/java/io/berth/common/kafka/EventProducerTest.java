package io.berth.common.kafka;

import io.berth.common.events.Event;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code KafkaProducer.send} blocks while Kafka is away (it waits up to {@code max.block.ms} for a leader):
 * the event producer must never block its caller on it, and must not let sends pile up behind a blocked one.
 */
class EventProducerTest {

    private static final Duration MAX_BLOCK = Duration.ofSeconds(1);

    /** A producer whose first send blocks until released, as a real one does while it knows no leader. */
    static final class StalledProducer extends MockProducer<String, byte[]> {
        final CountDownLatch released = new CountDownLatch(1);
        final List<String> sendingThreads = new CopyOnWriteArrayList<>();
        final List<String> keysSent = new CopyOnWriteArrayList<>();

        StalledProducer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<String, byte[]> record,
                                                                             Callback callback) {
            sendingThreads.add(Thread.currentThread().getName());
            keysSent.add(record.key());
            if (keysSent.size() == 1) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.send(record, callback);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final StalledProducer kafka = new StalledProducer();
    private final EventProducer producer = EventProducer.around(vertx, kafka, new SimpleMeterRegistry(), "test", MAX_BLOCK);

    @AfterEach
    void close() {
        kafka.released.countDown();
        producer.close();
        vertx.close().await();
    }

    @Test
    void aSendThatBlocksInKafkasClientBlocksNeitherTheCallerNorItsThread() {
        // when the first send stalls in the Kafka client
        Future<RecordMetadata> stalled = producer.send(Topics.HOST_COMMANDS, "h1", command("h1"));

        // then the caller got its future back, and the client was called on the producer's own thread
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> kafka.sendingThreads.size() == 1);
        assertThat(kafka.sendingThreads).containsExactly("berth-kafka-send-test");
        assertThat(stalled.isComplete()).isFalse();

        kafka.released.countDown();
        assertThat(stalled.await().topic()).isEqualTo(Topics.HOST_COMMANDS);
    }

    @Test
    void aRecordQueuedBehindABlockedSendForLongerThanMaxBlockFailsAtOnceWithoutReachingKafka() {
        // given a first send stalled in the Kafka client
        Future<RecordMetadata> stalled = producer.send(Topics.HOST_COMMANDS, "h1", command("h1"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> kafka.keysSent.size() == 1);
        Instant queuedAt = Instant.now();

        // when a second record waits behind it for longer than max.block.ms
        Future<RecordMetadata> queued = producer.send(Topics.HOST_COMMANDS, "h2", command("h2"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .until(() -> Duration.between(queuedAt, Instant.now()).compareTo(MAX_BLOCK.multipliedBy(2)) > 0);
        kafka.released.countDown();

        // then it fails as "Kafka unavailable", and only the first record was handed to the client
        Throwable failure = Awaitility.await().atMost(Duration.ofSeconds(5)).until(queued::cause, cause -> cause != null);
        assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("unavailable");
        assertThat(stalled.await()).isNotNull();
        assertThat(kafka.keysSent).containsExactly("h1");
    }

    @Test
    void sendsAreHandedToKafkaInTheOrderTheyWereMade() {
        kafka.released.countDown();
        List<Future<RecordMetadata>> sends = List.of("a", "b", "c", "d").stream()
                .map(key -> producer.send(Topics.HOST_COMMANDS, key, command(key))).toList();
        Future.all(sends).await();
        assertThat(kafka.keysSent).containsExactly("a", "b", "c", "d");
    }

    private static HostCommandEvent command(String hostId) {
        return new HostCommandEvent(Event.CURRENT_VERSION, "c-" + hostId, hostId, HostCommandType.START, null, null, null,
                Instant.now());
    }
}
