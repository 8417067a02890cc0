package io.berth.inventory;

import io.berth.common.events.Event;
import io.berth.common.http.ProblemException;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.Topics;
import io.berth.inventory.domain.Change;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.RegistrationTokenRecord;
import io.berth.inventory.domain.TopicRecords;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes the inventory's decided changes durable, then applies them: every published change is sent to its
 * topic, and only the changes Kafka acknowledged are applied to the state. So when Kafka refuses, the
 * caller gets a 503 and the state is what Kafka holds.
 */
final class ChangePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);
    private static final int RETRY_AFTER_SECONDS = 5;

    private final EventProducer events;
    private final Inventory inventory;
    private final Runnable afterApply;

    ChangePublisher(EventProducer events, Inventory inventory, Runnable afterApply) {
        this.events = events;
        this.inventory = inventory;
        this.afterApply = afterApply;
    }

    /** Publishes and applies {@code changes}; fails with a 503 problem when Kafka did not take them all. */
    Future<Void> publishAndApply(List<Change> changes) {
        List<Future<?>> sends = new ArrayList<>(changes.size());
        for (Change change : changes) {
            sends.add(change instanceof Change.Published published ? send(published) : Future.succeededFuture());
        }
        return Future.join(sends).transform(ignored -> {
            boolean allAcknowledged = sends.stream().allMatch(Future::succeeded);
            for (int i = 0; i < changes.size(); i++) {
                Change change = changes.get(i);
                boolean durable = change instanceof Change.Published ? sends.get(i).succeeded() : allAcknowledged;
                if (durable) {
                    inventory.apply(change);
                }
            }
            afterApply.run();
            if (allAcknowledged) {
                return Future.<Void>succeededFuture();
            }
            Throwable cause = sends.stream().filter(Future::failed).findFirst().map(Future::cause).orElseThrow();
            LOG.warn("Kafka did not acknowledge {} of {} change(s): {}", sends.stream().filter(Future::failed).count(),
                    changes.size(), cause.toString());
            return Future.failedFuture(ProblemException.unavailable(
                    "the change could not be stored in Kafka (" + cause.getClass().getSimpleName()
                            + "); nothing that was not stored has changed, retry later", RETRY_AFTER_SECONDS));
        });
    }

    private Future<?> send(Change.Published change) {
        String topic = change.stream() == Change.Stream.CONFIG ? Topics.CONFIG : Topics.HOST_HEALTH;
        Object value = change.value();
        if (value == null) {
            return events.sendTombstone(topic, change.key());
        }
        if (value instanceof Event event) {
            return events.send(topic, change.key(), event);
        }
        if (value instanceof RegistrationTokenRecord token) {
            return events.sendEncoded(topic, change.key(), TopicRecords.encodeToken(token));
        }
        return Future.failedFuture(new IllegalStateException("no way to publish " + value.getClass()));
    }
}
