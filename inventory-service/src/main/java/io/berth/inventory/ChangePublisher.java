package io.berth.inventory;

import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.http.ProblemException;
import io.berth.common.kafka.Topics;
import io.berth.inventory.domain.AcknowledgedCommands;
import io.berth.inventory.domain.Change;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.RegistrationTokenRecord;
import io.berth.inventory.domain.scaling.ScalerMemory;
import io.berth.inventory.kafka.TopicRecords;
import io.vertx.core.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * Makes the inventory's decided changes durable, then applies them: a decision's records go to Kafka in one
 * transaction of the {@link FencedChangeLog}, and the decision is applied only once that committed. So when
 * Kafka refuses (or this instance was fenced), the caller gets a 503 and the state is what Kafka holds.
 */
final class ChangePublisher {

    static final int RETRY_AFTER_SECONDS = 5;
    static final int WRITER_CHANGE_RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);

    private final FencedChangeLog log;
    private final Inventory inventory;
    private final Runnable afterApply;
    private final Consumer<Throwable> onFailure;

    /**
     * @param onFailure told of every failed publish (on the caller's context): the writer then stops writing
     *                  until it has fenced again and re-read the topics
     */
    ChangePublisher(FencedChangeLog log, Inventory inventory, Runnable afterApply, Consumer<Throwable> onFailure) {
        this.log = log;
        this.inventory = inventory;
        this.afterApply = afterApply;
        this.onFailure = onFailure;
    }

    /** Publishes and applies {@code changes}; fails with a 503 problem, changing nothing, when Kafka did not take them. */
    Future<Void> publishAndApply(List<Change> changes, FencedChangeLog.Commit commit) {
        List<ProducerRecord<String, byte[]>> records = changes.stream()
                .filter(Change.Published.class::isInstance).map(Change.Published.class::cast)
                .map(ChangePublisher::record).toList();
        Future<Void> durable = records.isEmpty() ? Future.succeededFuture() : log.publish(records, commit);
        return durable.transform(outcome -> {
            if (outcome.succeeded()) {
                inventory.apply(changes);
                afterApply.run();
                return Future.<Void>succeededFuture();
            }
            Throwable cause = outcome.cause();
            LOG.warn("Kafka did not take {} change(s): {}", changes.size(), cause.toString());
            onFailure.accept(cause);
            return Future.failedFuture(unavailable(cause));
        });
    }

    /** The 503 for a change that was not stored. */
    static ProblemException unavailable(Throwable cause) {
        if (cause instanceof FencedChangeLog.NotTheWriterException) {
            return ProblemException.unavailable("this inventory instance cannot write right now (Kafka unavailable, or"
                    + " the writer role is changing hands); nothing has changed, retry", WRITER_CHANGE_RETRY_AFTER_SECONDS);
        }
        return ProblemException.unavailable("Kafka unavailable: the change could not be stored ("
                + cause.getClass().getSimpleName() + "); nothing has changed, retry later", RETRY_AFTER_SECONDS);
    }

    static ProducerRecord<String, byte[]> record(Change.Published change) {
        String topic = switch (change.stream()) {
            case CONFIG -> Topics.CONFIG;
            case HOST_HEALTH -> Topics.HOST_HEALTH;
            case HOST_COMMANDS -> Topics.HOST_COMMANDS;
        };
        Object value = change.value();
        byte[] bytes;
        if (value == null) {
            bytes = null;
        } else if (value instanceof Event event) {
            bytes = EventCodec.encode(event);
        } else if (value instanceof RegistrationTokenRecord || value instanceof AcknowledgedCommands
                || value instanceof ScalerMemory) {
            bytes = TopicRecords.encodeInternal((Record) value);
        } else {
            throw new IllegalStateException("no way to publish " + value.getClass());
        }
        return new ProducerRecord<>(topic, change.key(), bytes);
    }
}
