package io.berth.inventory;

import io.berth.common.config.KafkaConfig;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inventory writer's only way to Kafka: a transactional producer with one fixed {@code transactional.id}
 * shared by every instance. {@link #fence()} starts a producer and calls {@code initTransactions()}: Kafka
 * bumps the id's epoch, aborts the previous holder's open transaction and refuses every later write of it.
 * So a stale writer cannot publish once another instance has fenced it, however late it tries — fencing,
 * not timing. Consumers read {@code read_committed}, so records of an aborted transaction are never seen.
 *
 * <p>{@link #publish} makes a batch of records durable atomically (all or none). Batches arriving while a
 * transaction commits share the next one (group commit). A batch published {@link Commit#GATHERED} also waits
 * up to the gathering window for others to share its transaction: each transaction costs Kafka about six
 * requests and two thread hand-offs on every side, and heartbeats (seconds apart per host, thousands of
 * hosts) need not be durable within milliseconds. Everything blocking runs on one thread of its own.
 * After any failure the producer is closed; publishing fails until the next {@link #fence()}.
 */
final class FencedChangeLog implements AutoCloseable {

    static final String TRANSACTIONAL_ID = "berth-inventory-writer";
    private static final Logger LOG = LoggerFactory.getLogger(FencedChangeLog.class);

    /** When a publish's transaction starts. */
    enum Commit {
        /** At once (or as soon as the transaction committing now is done). */
        AT_ONCE,
        /** Within the gathering window, shared with every batch published by then. */
        GATHERED
    }

    private record Pending(List<ProducerRecord<String, byte[]>> records, Promise<Void> done, Context context) {
    }

    private final Vertx vertx;
    private final Map<String, Object> props;
    private final Counter failures;
    private final Counter transactions;
    private final Duration gatheringWindow;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final AtomicBoolean gathering = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread t = new Thread(runnable, "berth-inventory-writer-producer");
        t.setDaemon(true);
        return t;
    });
    /** Touched only on {@link #thread}. */
    private Producer<String, byte[]> producer;

    /** @param gatheringWindow how long a {@link Commit#GATHERED} publish may wait for others to share its commit */
    FencedChangeLog(Vertx vertx, KafkaConfig config, String clientId, MeterRegistry registry,
                    Duration gatheringWindow) {
        this.vertx = vertx;
        this.gatheringWindow = gatheringWindow;
        // close() commits what is gathering itself; a window still scheduled then has nothing left to do.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.props = KafkaClients.producerProps(config, clientId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        // Requests that must write answer within 10 s even while Kafka is away (DESIGN.md 7.1): a commit
        // gives up after max.block.ms, a record after delivery.timeout.ms.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
        // A writer that dies mid-transaction holds back read_committed readers until its successor fences it
        // or this timeout aborts the transaction, whichever is first.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        this.failures = Counter.builder("berth_publish_failures_total")
                .description("Events Kafka refused or did not acknowledge in time")
                .register(registry);
        this.transactions = Counter.builder("berth_inventory_writer_transactions_total")
                .description("Transactions the inventory writer committed (each holds one or more changes)")
                .register(registry);
    }

    /** Becomes the one producer allowed to write, fencing whoever held the transactional id before. */
    Future<Void> fence() {
        return onThread(() -> {
            closeProducer();
            KafkaProducer<String, byte[]> fresh = new KafkaProducer<>(props);
            try {
                fresh.initTransactions();
                // Warm the metadata so the first transaction does not wait for it.
                fresh.partitionsFor(Topics.CONFIG);
                fresh.partitionsFor(Topics.HOST_HEALTH);
            } catch (RuntimeException e) {
                fresh.close(Duration.ZERO);
                throw e;
            }
            producer = fresh;
            return null;
        });
    }

    /** Makes {@code records} durable in one transaction; fails (and publishes none) when Kafka refuses. */
    Future<Void> publish(List<ProducerRecord<String, byte[]>> records, Commit commit) {
        Promise<Void> done = Promise.promise();
        Pending batch = new Pending(records, done, vertx.getOrCreateContext());
        pending.add(batch);
        try {
            if (commit == Commit.AT_ONCE) {
                thread.execute(this::commitPending);
            } else if (gathering.compareAndSet(false, true)) {
                thread.schedule(this::commitGathered, gatheringWindow.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException stopped) {
            // answered just below
        }
        // A batch added after close() took the late ones (or that joined a window close() dropped) would wait
        // forever: whoever removes it from the queue answers it, this publish included.
        if (thread.isShutdown() && pending.remove(batch)) {
            done.fail(stopping());
        }
        return done.future();
    }

    /** Commits what is gathering now, without waiting for the window's end (work queued behind it is waiting). */
    void commitGatheredNow() {
        try {
            thread.execute(this::commitPending);
        } catch (RuntimeException e) {
            LOG.debug("The writer's producer thread has stopped", e);
        }
    }

    /** Gives up the role: closes the producer; the next publish fails until {@link #fence()}. */
    Future<Void> release() {
        return onThread(() -> {
            closeProducer();
            return null;
        });
    }

    private void commitGathered() {
        // Cleared before draining: a batch published from here on opens the next window.
        gathering.set(false);
        commitPending();
    }

    private void commitPending() {
        List<Pending> batch = new ArrayList<>();
        pending.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        RuntimeException failure = null;
        if (producer == null) {
            failure = new NotTheWriterException();
        } else {
            try {
                producer.beginTransaction();
                for (Pending one : batch) {
                    one.records().forEach(producer::send);
                }
                producer.commitTransaction();
                transactions.increment();
            } catch (RuntimeException e) {
                failure = e;
                // Whatever went wrong (fenced, Kafka away, a timeout with the outcome unknown), this producer
                // is done: the writer re-fences and re-reads the topics before it writes again.
                closeProducer();
            }
        }
        for (Pending one : batch) {
            if (failure == null) {
                one.context().runOnContext(v -> one.done().complete());
            } else {
                failures.increment(one.records().size());
                RuntimeException cause = failure;
                one.context().runOnContext(v -> one.done().fail(cause));
            }
        }
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("Closing the writer's producer failed", e);
            }
            producer = null;
        }
    }

    private <T> Future<T> onThread(Callable<T> work) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        try {
            thread.execute(() -> {
                try {
                    T result = work.call();
                    context.runOnContext(v -> promise.complete(result));
                } catch (Exception e) {
                    context.runOnContext(v -> promise.fail(e));
                }
            });
        } catch (RuntimeException e) {
            promise.fail(stopping());
        }
        return promise.future();
    }

    @Override
    public void close() throws InterruptedException {
        thread.execute(this::commitPending);
        thread.execute(this::closeProducer);
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        // A publish that raced the shutdown is answered, not left waiting.
        List<Pending> late = new ArrayList<>();
        pending.drainTo(late);
        late.forEach(one -> one.context().runOnContext(v -> one.done().tryFail(stopping())));
    }

    private static IllegalStateException stopping() {
        return new IllegalStateException("the inventory is stopping");
    }

    /** A publish on an instance that is not (or no longer) the writer. */
    static final class NotTheWriterException extends RuntimeException {
        NotTheWriterException() {
            super("this instance is not the inventory writer", null, false, false);
        }
    }
}
