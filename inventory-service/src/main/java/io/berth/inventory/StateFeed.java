package io.berth.inventory;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.FailurePolicy;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.kafka.TopicRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What every instance follows: {@code berth.config} and {@code berth.host-health} (read_committed, replayed
 * from the start, then followed), which rebuild the inventory and say where the writer is, and
 * {@code berth.sessions}, which counts each host's live sessions. The writer's own state is the newest, so it
 * skips the state records (they are its own); every other instance applies them through the same
 * {@code apply} as the writer.
 */
final class StateFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateFeed.class);

    private final Inventory inventory;
    private final InventoryMetrics metrics;
    private final BooleanSupplier isWriter;
    private final TopicReader stateReader;
    private final TopicReader sessionReader;
    private volatile boolean rebuilt;
    private volatile String writerUrl;

    StateFeed(Vertx vertx, KafkaConfig kafka, MeterRegistry registry, Function<String, String> clientId,
              Inventory inventory, InventoryMetrics metrics, BooleanSupplier isWriter) {
        this.inventory = inventory;
        this.metrics = metrics;
        this.isWriter = isWriter;
        stateReader = TopicReader.replay(vertx, kafka, clientId.apply("state"), Topics.CONFIG, Topics.HOST_HEALTH)
                .metrics(registry)
                // The handler never fails: a record it cannot read is counted as malformed and skipped.
                .failurePolicy(FailurePolicy.SKIP_AND_COUNT)
                .handler(this::onStateRecords)
                .start();
        sessionReader = TopicReader.replay(vertx, kafka, clientId.apply("sessions"), Topics.SESSIONS)
                // session counts for listings and the scaler: no request waits on them
                .relaxedFetch()
                .metrics(registry)
                .failurePolicy(FailurePolicy.SKIP_AND_COUNT)
                .handler(this::onSessions)
                .start();
        stateReader.caughtUp().onSuccess(v -> onRebuilt())
                .onFailure(e -> LOG.error("Could not replay berth.config and berth.host-health", e));
    }

    /** Completes once the state topics were replayed up to where they ended at start. */
    Future<Void> rebuilt() {
        return stateReader.caughtUp();
    }

    boolean isRebuilt() {
        return rebuilt;
    }

    boolean sessionsCaughtUp() {
        return sessionReader.isCaughtUp();
    }

    /** Completes once the state topics were read up to where they end now. */
    Future<Void> readToEnd() {
        return stateReader.readToEnd();
    }

    /** The URL the current writer advertises on berth.config; null while none does. */
    String writerUrl() {
        return writerUrl;
    }

    private void onRebuilt() {
        metrics.syncPools();
        rebuilt = true;
        LOG.info("Inventory rebuilt: {} pool(s), {} application group(s)", inventory.pools().size(),
                inventory.appGroups().size());
    }

    private Future<?> onStateRecords(List<ConsumerRecord<String, byte[]>> records) {
        boolean follows = !isWriter.getAsBoolean();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (Topics.CONFIG.equals(record.topic())) {
                    if (WriterAdvert.KEY.equals(record.key())) {
                        writerUrl = record.value() == null ? null : WriterAdvert.decode(record.value()).url();
                    } else if (follows) {
                        TopicRecords.fromConfig(record.key(), record.value()).ifPresent(inventory::apply);
                    }
                } else if (follows) {
                    inventory.apply(TopicRecords.fromHostHealth(record.key(), record.value()));
                }
            } catch (MalformedEventException | RuntimeException e) {
                stateReader.countMalformed(record, e);
            }
        }
        if (follows && rebuilt) {
            metrics.syncPools();
        }
        return null;
    }

    private Future<?> onSessions(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                inventory.onSessionRemoved(record.key());
                continue;
            }
            try {
                inventory.onSession(EventCodec.decode(record.value(), SessionEvent.class));
            } catch (MalformedEventException e) {
                sessionReader.countMalformed(record, e);
            }
        }
        return null;
    }

    /** Blocking: closes both consumers. */
    @Override
    public void close() {
        sessionReader.close();
        stateReader.close();
    }
}
