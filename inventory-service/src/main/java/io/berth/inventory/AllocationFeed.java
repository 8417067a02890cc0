package io.berth.inventory;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.FailurePolicy;
import io.berth.common.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import io.berth.common.kafka.Topics;
import io.berth.inventory.api.InventoryWrites;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Inventory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The writer's reading of {@code berth.allocations} (group {@value #GROUP}): automatic personal assignments.
 * A batch is done, and its offsets committed, only once its assignments are stored; while Kafka refuses, they
 * are retried. Once the feed is stopping it gives up, but only after its consumer has closed: so the batch's
 * offsets are never committed and the next writer reads it again.
 */
final class AllocationFeed implements AutoCloseable {

    static final String GROUP = "berth-inventory-service";
    private static final Logger LOG = LoggerFactory.getLogger(AllocationFeed.class);
    private static final long RETRY_MS = 2_000;

    private final Vertx vertx;
    private final Inventory inventory;
    private final InventoryWrites writes;
    private final TopicReader reader;
    private final Promise<Void> closed = Promise.promise();
    private volatile boolean closing;

    AllocationFeed(Vertx vertx, KafkaConfig kafka, MeterRegistry registry, String clientId, Inventory inventory,
                   InventoryWrites writes) {
        this.vertx = vertx;
        this.inventory = inventory;
        this.writes = writes;
        reader = TopicReader.group(vertx, kafka, clientId, GROUP, Topics.ALLOCATIONS)
                .metrics(registry)
                // A batch's assignments are retried until stored (see untilStored); were the handler ever to
                // fail, the batch is read again, never committed past.
                .failurePolicy(FailurePolicy.RETRY_BATCH)
                // A writer that died without leaving the group holds its partitions until its session times
                // out; the next writer is not ready before it has them, so that is 10 s here, not Kafka's 45.
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000)
                // the connect was answered by the broker already; storing its assignment can wait a moment
                .relaxedFetch()
                .handler(this::onAllocations)
                .start();
    }

    boolean isCaughtUp() {
        return reader.isCaughtUp();
    }

    /** Stops reading, on a worker thread; batches still retrying then give up without committing. */
    Future<Void> stop() {
        closing = true;
        return vertx.executeBlocking(() -> {
            close();
            return null;
        }, false);
    }

    /** Blocking: closes the consumer. */
    @Override
    public void close() {
        closing = true;
        try {
            reader.close();
        } finally {
            closed.tryComplete();
        }
    }

    private Future<?> onAllocations(List<ConsumerRecord<String, byte[]>> records) {
        Future<Void> done = Future.succeededFuture();
        for (ConsumerRecord<String, byte[]> record : records) {
            AllocationEvent allocation;
            try {
                allocation = EventCodec.decode(record.value(), AllocationEvent.class);
            } catch (MalformedEventException e) {
                reader.countMalformed(record, e);
                continue;
            }
            done = done.compose(v -> untilStored(() -> inventory.onAllocation(allocation).isEmpty()
                    ? Future.succeededFuture()
                    : writes.exclusive(() -> new Decision<Void>(inventory.onAllocation(allocation), null)).mapEmpty()));
        }
        return done;
    }

    private Future<Void> untilStored(Supplier<Future<Void>> attempt) {
        Promise<Void> result = Promise.promise();
        attempt.get().onComplete(outcome -> {
            if (outcome.succeeded()) {
                result.complete();
            } else if (closing) {
                closed.future().onComplete(v -> result.complete());
            } else {
                LOG.warn("Could not store an assignment; retrying: {}", outcome.cause().getMessage());
                vertx.setTimer(RETRY_MS, id -> untilStored(attempt).onComplete(result));
            }
        });
        return result.future();
    }
}
