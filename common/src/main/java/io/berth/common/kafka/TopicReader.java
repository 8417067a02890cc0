package io.berth.common.kafka;

import io.berth.common.config.KafkaConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads topics through a {@link PollLoop} and hands each batch of records to a handler on the owning Vert.x
 * context, waiting for the batch to be processed before polling again (so a slow handler slows the reader
 * instead of queueing without bound). A batch whose handler fails is retried or skipped as the reader's
 * {@link FailurePolicy} says ({@link FailurePolicy#SKIP_AND_COUNT} unless set).
 *
 * <p>Two modes: {@link #replay} assigns every partition and reads from the beginning (or from a point in
 * time, {@link Builder#replayFrom}), to rebuild state from compacted topics; {@link #group} joins a consumer
 * group, so that each record is handled by one member, and commits offsets after processed batches, at most once
 * a second ({@link GroupCommits}). Either way {@link #caughtUp()} completes once the reader has reached the end
 * offsets that existed when its partitions were assigned: that is what a service's readiness means.
 */
public final class TopicReader implements AutoCloseable {

    /** Processes one batch on the owner's context; the returned future (may be null) says when it is done. */
    @FunctionalInterface
    public interface BatchHandler {
        Future<?> handle(List<ConsumerRecord<String, byte[]>> records);
    }

    /** Where a group member starts on a partition it is assigned. */
    public enum StartPosition {
        /** The group's committed offset (the earliest offset if none). */
        COMMITTED,
        /** Always the beginning: the member rebuilds everything on each assignment. */
        BEGINNING
    }

    /** How often a group member commits its positions at most: see {@link GroupCommits}. */
    static final Duration GROUP_COMMIT_INTERVAL = Duration.ofSeconds(1);

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Context context;
    private final BatchHandler handler;
    private final List<String> topics;
    private final String groupId;
    private final StartPosition startPosition;
    private final Supplier<Instant> replayFrom;
    private final Consumer<Collection<TopicPartition>> onAssigned;
    private final Consumer<Collection<TopicPartition>> onRevoked;
    private final ReadProgress progress;
    private final PollLoop loop;
    private final OwnerContext ownerContext;

    private TopicReader(Builder builder) {
        this.name = builder.clientId;
        this.context = builder.vertx.getOrCreateContext();
        this.ownerContext = new OwnerContext(builder.clientId, this.context);
        this.handler = builder.handler;
        this.topics = List.copyOf(builder.topics);
        this.groupId = builder.groupId;
        this.startPosition = builder.startPosition;
        this.replayFrom = builder.replayFrom;
        this.onAssigned = builder.onAssigned;
        this.onRevoked = builder.onRevoked;
        Map<String, Object> props = KafkaClients.consumerProps(builder.config, builder.clientId, builder.groupId);
        props.putAll(builder.overrides);
        this.consumer = new KafkaConsumer<>(props);
        this.progress = new ReadProgress(name, topics, consumer, context, groupId != null);
        this.loop = new PollLoop(name, consumer, this::handleOnContext, builder.failurePolicy,
                groupId == null ? OffsetStore.NONE : new GroupCommits(GROUP_COMMIT_INTERVAL), builder.registry,
                builder.batchWindow);
        loop.stopped().whenComplete((stopped, failure) -> {
            if (failure != null) {
                progress.failed(failure);
            }
        });
    }

    /** A reader that assigns every partition of {@code topics} and reads them from the beginning. */
    public static Builder replay(Vertx vertx, KafkaConfig config, String clientId, String... topics) {
        return new Builder(vertx, config, clientId, null, List.of(topics));
    }

    /** A reader that joins consumer group {@code groupId} on {@code topics}. */
    public static Builder group(Vertx vertx, KafkaConfig config, String clientId, String groupId, String... topics) {
        return new Builder(vertx, config, clientId, Objects.requireNonNull(groupId), List.of(topics));
    }

    /** Completes once every assigned partition has been read up to the end it had when assigned. */
    public Future<Void> caughtUp() {
        return progress.caughtUp();
    }

    public boolean isCaughtUp() {
        return progress.isCaughtUp();
    }

    /**
     * Completes once this reader has handled every record its partitions held when called: with
     * {@code read_committed} (Berth's setting), every record committed by then. A writer that has just
     * fenced its predecessor calls it to know it holds everything before it writes.
     */
    public Future<Void> readToEnd() {
        return progress.readToEnd();
    }

    /** Records behind the ends of the assigned partitions, as of the last poll. */
    public long lag() {
        return loop.lag();
    }

    /** Counts ({@code berth_consumer_malformed_records_total}) and logs a record the handler skips as malformed. */
    public void countMalformed(ConsumerRecord<?, ?> record, Exception reason) {
        loop.countMalformed(record, reason);
    }

    private void start() {
        loop.start(this::assignOrSubscribe, () -> true, progress::update);
    }

    private void assignOrSubscribe() {
        if (groupId == null) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            if (replayFrom == null) {
                consumer.seekToBeginning(partitions);
            } else {
                seekToTime(partitions, replayFrom.get());
            }
            progress.assigned(partitions);
        } else {
            consumer.subscribe(topics, loop.rebalanceListener(new Rebalance()));
        }
    }

    /** Seeks each partition to its first record at or after {@code from}, or to its end when it has none. */
    private void seekToTime(List<TopicPartition> partitions, Instant from) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                toEnd.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        consumer.seekToEnd(toEnd);
    }

    /** Runs the handler on the owner's context and waits for it; its failure is the loop's to retry or skip. */
    private void handleOnContext(List<ConsumerRecord<String, byte[]>> batch) throws Exception {
        ownerContext.handle(handler, batch);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (startPosition == StartPosition.BEGINNING && !partitions.isEmpty()) {
                consumer.seekToBeginning(partitions);
            }
            progress.assigned(partitions);
            if (onAssigned != null && !partitions.isEmpty()) {
                ownerContext.runAndWait(() -> onAssigned.accept(partitions));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (onRevoked != null && !partitions.isEmpty()) {
                ownerContext.runAndWait(() -> onRevoked.accept(partitions));
            }
        }
    }

    /** Stops polling, leaves the group and closes the consumer. */
    @Override
    public void close() {
        loop.close();
    }

    /** Settings for a {@link TopicReader}. */
    public static final class Builder {
        private final Vertx vertx;
        private final KafkaConfig config;
        private final String clientId;
        private final String groupId;
        private final List<String> topics;
        private BatchHandler handler;
        private StartPosition startPosition = StartPosition.COMMITTED;
        private Supplier<Instant> replayFrom;
        private FailurePolicy failurePolicy = FailurePolicy.SKIP_AND_COUNT;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Consumer<Collection<TopicPartition>> onAssigned;
        private Consumer<Collection<TopicPartition>> onRevoked;
        private final Map<String, Object> overrides = new HashMap<>();
        private Duration batchWindow;

        private Builder(Vertx vertx, KafkaConfig config, String clientId, String groupId, List<String> topics) {
            this.vertx = vertx;
            this.config = config;
            this.batchWindow = KafkaClients.batchWindow(config);
            this.clientId = clientId;
            this.groupId = groupId;
            this.topics = topics;
        }

        public Builder handler(BatchHandler handler) {
            this.handler = handler;
            return this;
        }

        public Builder startPosition(StartPosition startPosition) {
            this.startPosition = startPosition;
            return this;
        }

        /**
         * A {@link #replay} reader starts at the first record written at or after the time this gives when it
         * starts (Kafka's {@code offsetsForTimes}), not at the beginning: for a topic of which only the recent
         * past matters.
         */
        public Builder replayFrom(Supplier<Instant> from) {
            if (groupId != null) {
                throw new IllegalStateException("replayFrom is for replay readers, not group members");
            }
            this.replayFrom = Objects.requireNonNull(from);
            return this;
        }

        /** What to do with a batch whose handler fails; see {@link FailurePolicy} for which consumer needs which. */
        public Builder failurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy);
            return this;
        }

        public Builder metrics(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Called on the owner's context when the group gives this member partitions. */
        public Builder onAssigned(Consumer<Collection<TopicPartition>> listener) {
            this.onAssigned = listener;
            return this;
        }

        /** Called on the owner's context when the group takes partitions away from this member. */
        public Builder onRevoked(Consumer<Collection<TopicPartition>> listener) {
            this.onRevoked = listener;
            return this;
        }

        /**
         * For a reader no request waits on: under load it fetches 4 times a second, gathering 250 ms of records
         * each time, instead of the prompt readers' {@code BERTH_KAFKA_FETCH_WAIT_MS} windows.
         */
        public Builder relaxedFetch() {
            this.batchWindow = KafkaClients.RELAXED_BATCH_WINDOW;
            return this;
        }

        public Builder consumerProperty(String key, Object value) {
            overrides.put(key, value);
            return this;
        }

        /** Creates the consumer and starts reading. Call on the context that should receive the batches. */
        public TopicReader start() {
            Objects.requireNonNull(handler, "handler");
            TopicReader reader = new TopicReader(this);
            reader.start();
            return reader;
        }
    }
}
