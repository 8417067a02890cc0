package io.berth.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The one poll loop of Berth's consumers: polls on a thread of its own (Kafka's calls block), hands each
 * batch to a handler, and only then stores the positions past it in an {@link OffsetStore}. A batch the
 * handler fails is retried or skipped as the consumer's {@link FailurePolicy} says, never both.
 *
 * <p>Every loop has the same meters ({@link ConsumerMeters}, malformed records counted by the handler
 * through {@link #countMalformed}) and binds the Kafka client's own metrics.
 */
public final class PollLoop implements AutoCloseable {

    /** Handles one batch on the loop's thread; returns once it is handled, throws when it is not. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(List<ConsumerRecord<String, byte[]>> batch) throws Exception;
    }

    /** Waits between retries; a test passes one that records instead of waiting. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final String name;
    private final Consumer<String, byte[]> consumer;
    private final BatchHandler handler;
    private final FailurePolicy policy;
    private final OffsetStore offsets;
    private final RetryBackoff backoff;
    private final Pause pause;
    private final ConsumerMeters meters;
    private final KafkaClientMetrics clientMetrics;
    private final Duration batchWindow;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private int failuresInARow;
    private volatile boolean running = true;
    private volatile Thread thread;

    /**
     * @param batchWindow how long the loop waits after a batch that brought it to the end of its partitions
     *                    before it polls again (see {@link #pollOnce}); zero: it polls again at once
     */
    public PollLoop(String name, Consumer<String, byte[]> consumer, BatchHandler handler, FailurePolicy policy,
                    OffsetStore offsets, MeterRegistry registry, Duration batchWindow) {
        this(name, consumer, handler, policy, offsets, registry, batchWindow, RetryBackoff.DEFAULT,
                duration -> Thread.sleep(duration.toMillis()));
    }

    public PollLoop(String name, Consumer<String, byte[]> consumer, BatchHandler handler, FailurePolicy policy,
                    OffsetStore offsets, MeterRegistry registry, Duration batchWindow, RetryBackoff backoff,
                    Pause pause) {
        this.name = Objects.requireNonNull(name, "name");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.policy = Objects.requireNonNull(policy, "failure policy");
        this.offsets = Objects.requireNonNull(offsets, "offset store");
        this.batchWindow = Objects.requireNonNull(batchWindow, "batch window");
        this.backoff = backoff;
        this.pause = pause;
        this.meters = new ConsumerMeters(name, registry);
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
    }

    /**
     * A listener for {@code consumer.subscribe}: resumes assigned partitions from the offset store, then
     * calls {@code then} (may be null); forgets the lag of revoked partitions.
     */
    public ConsumerRebalanceListener rebalanceListener(ConsumerRebalanceListener then) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                offsets.resume(consumer, partitions);
                if (then != null) {
                    then.onPartitionsAssigned(partitions);
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                offsets.flush(consumer, partitions);
                partitions.forEach(meters::forget);
                if (then != null) {
                    then.onPartitionsRevoked(partitions);
                }
            }
        };
    }

    /**
     * Starts the loop's thread: {@code onStart} once (assign or subscribe), then, while open, a poll turn
     * whenever {@code mayPoll} says so, each followed by {@code afterTurn}. Every hook runs on the loop's thread.
     */
    public void start(Runnable onStart, BooleanSupplier mayPoll, Runnable afterTurn) {
        Thread started = new Thread(() -> run(onStart, mayPoll, afterTurn), "berth-reader-" + name);
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    private void run(Runnable onStart, BooleanSupplier mayPoll, Runnable afterTurn) {
        try {
            onStart.run();
            while (running) {
                if (mayPoll.getAsBoolean()) {
                    pollOnce();
                }
                afterTurn.run();
            }
            stopped.complete(null);
        } catch (WakeupException | InterruptException e) {
            stopIfClosing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopIfClosing(e);
        } catch (RuntimeException e) {
            LOG.error("Reader {} stopped on an error", name, e);
            stopped.completeExceptionally(e);
        } finally {
            Thread.interrupted();
            try {
                offsets.flush(consumer, consumer.assignment());
            } catch (RuntimeException e) {
                LOG.debug("Reader {} could not store its last positions", name, e);
            }
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("Reader {} closed with an error", name, e);
            }
        }
    }

    private void stopIfClosing(Exception e) {
        if (running) {
            LOG.error("Reader {} interrupted while open", name, e);
            stopped.completeExceptionally(e);
        } else {
            stopped.complete(null);
        }
    }

    /**
     * One turn: polls, handles the batch, stores the positions past it; on a failure, retries or skips as
     * the policy says. Returns whether a batch was handled and its positions stored.
     *
     * <p>A fetch is answered as soon as Kafka holds one new record (Kafka's default {@code fetch.min.bytes}), so
     * an idle reader's fetch waits in Kafka for {@code fetch.max.wait.ms} and a record written then reaches it at
     * once. Under load, every produce request would answer a fetch of its own; so after a batch that brought the
     * reader to the end of its partitions, the loop waits out its batch window before the next poll and collects
     * what was written meanwhile in one fetch. A reader behind the ends (replaying, catching up) never waits.
     */
    boolean pollOnce() throws InterruptedException {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        boolean handled = false;
        if (records.isEmpty()) {
            // Nothing came back, not even a batch sought back to: its partitions went to another member.
            failuresInARow = 0;
        } else {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
            records.forEach(batch::add);
            handled = handleAndStore(batch, records);
        }
        offsets.tick(consumer);
        boolean atEnds = updateLag();
        if (handled && atEnds && !batchWindow.isZero()) {
            pause.pause(batchWindow);
        }
        return handled;
    }

    private boolean handleAndStore(List<ConsumerRecord<String, byte[]>> batch, ConsumerRecords<String, byte[]> records)
            throws InterruptedException {
        try {
            handler.handle(batch);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            meters.handlerFailures.increment();
            if (policy == FailurePolicy.SKIP_AND_COUNT) {
                meters.skipped.increment();
                LOG.error("Reader {}: handling a batch of {} records failed; skipping it", name, batch.size(), e);
            } else {
                retryLater(records, "handling", e);
                return false;
            }
        }
        try {
            offsets.store(consumer, nextOffsets(records));
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // The batch is handled but its position not stored: handle it again rather than lose it; handlers
            // are idempotent for records they have already handled.
            retryLater(records, "storing the positions after", e);
            return false;
        }
        failuresInARow = 0;
        return true;
    }

    /** Seeks back to the batch's first records (on the partitions still held) and waits before the retry. */
    private void retryLater(ConsumerRecords<String, byte[]> records, String what, Exception cause)
            throws InterruptedException {
        failuresInARow++;
        Duration wait = backoff.after(failuresInARow);
        if (failuresInARow == 1) {
            LOG.warn("Reader {}: {} a batch of {} records failed; retrying it every {} ms at most", name, what,
                    records.count(), backoff.max().toMillis(), cause);
        } else {
            LOG.debug("Reader {}: {} a batch failed again ({} times in a row)", name, what, failuresInARow, cause);
        }
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
        pause.pause(wait);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> partitionRecords = records.records(partition);
            next.put(partition, new OffsetAndMetadata(partitionRecords.get(partitionRecords.size() - 1).offset() + 1));
        }
        return next;
    }

    /** Records the lag of each assigned partition; returns whether each is known and zero. */
    private boolean updateLag() {
        meters.keepLagOf(consumer.assignment());
        boolean atEnds = true;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                meters.lag(partition, lag.getAsLong());
            }
            atEnds &= lag.isPresent() && lag.getAsLong() == 0;
        }
        return atEnds;
    }

    /** Counts and logs a record that is not a valid event; the handler skips it (events are read tolerantly). */
    public void countMalformed(ConsumerRecord<?, ?> record, Exception reason) {
        meters.malformed.increment();
        LOG.warn("Reader {}: skipping a malformed record at {}-{}@{}: {}", name, record.topic(), record.partition(),
                record.offset(), reason.getMessage());
    }

    /** Whether the last batch failed and is waiting to be handled again. Call on the loop's thread. */
    public boolean isRetrying() {
        return failuresInARow > 0;
    }

    /** Records behind the ends of the assigned partitions, as of the last poll. */
    public long lag() {
        return meters.lag();
    }

    /** Forgets the lag of every partition (the consumer left its group). Call on the loop's thread. */
    public void forgetLag() {
        meters.forgetAll();
    }

    /** Completes when the loop has stopped: normally after {@link #close}, exceptionally on an error. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** Stops polling (waking the thread from a poll or a back-off), closes the consumer, unbinds the metrics. */
    @Override
    public void close() {
        running = false;
        Thread polling = thread;
        if (polling != null) {
            try {
                // A poll turn ends within POLL_TIMEOUT, so the loop sees the flag on its own. No wakeup: one left
                // pending fires inside consumer.close, which then skips leaving the group, and the group waits a
                // whole session timeout before it hands this member's partitions to anyone else.
                polling.join(POLL_TIMEOUT.toMillis() * 5);
                if (polling.isAlive()) {
                    // Still in a batch's retry back-off, or in a slow handler: cut the wait.
                    polling.interrupt();
                    polling.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clientMetrics.close();
    }
}
