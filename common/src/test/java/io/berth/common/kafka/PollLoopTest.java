package io.berth.common.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's policies against Kafka's MockConsumer: no broker, no waiting (pauses are recorded, not slept). */
class PollLoopTest {

    private static final TopicPartition PARTITION = new TopicPartition("berth.test", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Duration> pauses = new ArrayList<>();
    private final List<List<Long>> handled = new ArrayList<>();
    private int failuresToCome;

    private PollLoop loop(FailurePolicy policy, OffsetStore offsets) {
        return loop(policy, offsets, Duration.ZERO);
    }

    private PollLoop loop(FailurePolicy policy, OffsetStore offsets, Duration batchWindow) {
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 3L));
        return new PollLoop("test", consumer, batch -> {
            handled.add(batch.stream().map(ConsumerRecord::offset).toList());
            if (failuresToCome > 0) {
                failuresToCome--;
                throw new IllegalStateException("the caches refused the batch");
            }
        }, policy, offsets, registry, batchWindow, RetryBackoff.DEFAULT, pauses::add);
    }

    /** Kafka delivers the records from the consumer's position (MockConsumer forgets records once polled). */
    private void deliverRecords(long from, long to) {
        for (long offset = from; offset < to; offset++) {
            consumer.addRecord(new ConsumerRecord<>(PARTITION.topic(), 0, offset, "k" + offset, new byte[]{1}));
        }
    }

    private OffsetAndMetadata committed() {
        return consumer.committed(Set.of(PARTITION)).get(PARTITION);
    }

    private double counter(String name) {
        return registry.get(name).tag("reader", "test").counter().count();
    }

    @Test
    void retryBatchHandlesTheSameBatchAgainWithGrowingPausesAndNeverCommitsPastIt() throws Exception {
        PollLoop loop = loop(FailurePolicy.RETRY_BATCH, new GroupCommits(Duration.ZERO));
        failuresToCome = 2;

        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isFalse();
        assertThat(consumer.position(PARTITION)).as("sought back to the batch's start").isZero();
        assertThat(committed()).isNull();
        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isFalse();
        assertThat(committed()).isNull();
        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isTrue();

        assertThat(handled).containsExactly(List.of(0L, 1L, 2L), List.of(0L, 1L, 2L), List.of(0L, 1L, 2L));
        assertThat(committed().offset()).isEqualTo(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(counter("berth_consumer_handler_failures_total")).isEqualTo(2);
        assertThat(counter("berth_consumer_batches_skipped_total")).isZero();
    }

    @Test
    void waitsItsBatchWindowOnlyAfterABatchThatReachedTheEndsOfItsPartitions() throws Exception {
        PollLoop loop = loop(FailurePolicy.RETRY_BATCH, new GroupCommits(Duration.ZERO), Duration.ofMillis(10));

        deliverRecords(0, 2);
        assertThat(loop.pollOnce()).isTrue();
        assertThat(pauses).as("one record still behind the end (3): catching up never waits").isEmpty();
        deliverRecords(2, 3);
        assertThat(loop.pollOnce()).isTrue();
        assertThat(pauses).as("at the end: the next fetch waits for the window's records").containsExactly(
                Duration.ofMillis(10));
        assertThat(loop.pollOnce()).isFalse();
        assertThat(pauses).as("an empty poll already waited in Kafka").hasSize(1);
        assertThat(handled).containsExactly(List.of(0L, 1L), List.of(2L));
    }

    @Test
    void aFailedBatchWaitsItsBackOffNotTheBatchWindow() throws Exception {
        PollLoop loop = loop(FailurePolicy.RETRY_BATCH, new GroupCommits(Duration.ZERO), Duration.ofMillis(10));
        failuresToCome = 1;

        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isFalse();
        assertThat(pauses).containsExactly(Duration.ofMillis(200));
    }

    @Test
    void skipAndCountMovesPastAFailedBatchAndCountsIt() throws Exception {
        PollLoop loop = loop(FailurePolicy.SKIP_AND_COUNT, new GroupCommits(Duration.ZERO));
        failuresToCome = 1;

        deliverRecords(0, 2);
        assertThat(loop.pollOnce()).isTrue();
        deliverRecords(2, 3);
        assertThat(loop.pollOnce()).isTrue();

        assertThat(handled).containsExactly(List.of(0L, 1L), List.of(2L));
        assertThat(committed().offset()).isEqualTo(3);
        assertThat(pauses).isEmpty();
        assertThat(counter("berth_consumer_batches_skipped_total")).isEqualTo(1);
        assertThat(counter("berth_consumer_handler_failures_total")).isEqualTo(1);
    }

    @Test
    void aPositionThatCouldNotBeStoredMeansTheBatchIsHandledAgain() throws Exception {
        List<Map<TopicPartition, OffsetAndMetadata>> stored = new ArrayList<>();
        int[] refusals = {1};
        PollLoop loop = loop(FailurePolicy.RETRY_BATCH, new OffsetStore() {
            @Override
            public void resume(org.apache.kafka.clients.consumer.Consumer<?, ?> c, java.util.Collection<TopicPartition> p) {
            }

            @Override
            public void store(org.apache.kafka.clients.consumer.Consumer<?, ?> c, Map<TopicPartition, OffsetAndMetadata> next) {
                if (refusals[0]-- > 0) {
                    throw new IllegalStateException("minority partition: writes refused");
                }
                stored.add(next);
            }
        });

        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isFalse();
        deliverRecords(0, 3);
        assertThat(loop.pollOnce()).isTrue();

        assertThat(handled).hasSize(2);
        assertThat(stored).containsExactly(Map.of(PARTITION, new OffsetAndMetadata(3)));
        assertThat(pauses).hasSize(1);
    }

    @Test
    void theLagGaugeIsTheRecordsBehindTheEnd() throws Exception {
        PollLoop loop = loop(FailurePolicy.RETRY_BATCH, new GroupCommits(Duration.ZERO));
        consumer.updateEndOffsets(Map.of(PARTITION, 10L));

        deliverRecords(0, 3);
        loop.pollOnce();

        assertThat(loop.lag()).isEqualTo(7);
        assertThat(registry.get("berth_consumer_lag").tag("reader", "test").gauge().value()).isEqualTo(7);
    }

    @Test
    void theBackoffDoublesUpToItsBound() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(500)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aMalformedRecordIsCounted() {
        PollLoop loop = loop(FailurePolicy.SKIP_AND_COUNT, OffsetStore.NONE);

        loop.countMalformed(new ConsumerRecord<>(PARTITION.topic(), 0, 5, "k", new byte[]{'{'}),
                new IllegalArgumentException("not JSON"));

        assertThat(counter("berth_consumer_malformed_records_total")).isEqualTo(1);
    }
}
