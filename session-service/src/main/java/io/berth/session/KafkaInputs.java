package io.berth.session;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.Topics;
import io.berth.session.domain.SessionChange;
import io.berth.session.domain.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The session service's Kafka input adapter: decodes the batches its readers hand over ({@code berth.sessions},
 * {@code berth.config} + {@code berth.host-health} + {@code berth.host-commands}, {@code berth.allocations}),
 * applies them to the {@link SessionRegistry} and publishes what it decides. A returned future completes when the
 * batch's decisions are on Kafka, so a reader commits nothing that is not. A record that is no valid event is
 * skipped and handed to {@code malformed} (the reader's count of them). Called on the service's event loop.
 */
final class KafkaInputs {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaInputs.class);
    private static final Predicate<String> NONE = sessionId -> false;
    /** How long to wait before publishing an allocation's session again when Kafka did not acknowledge it. */
    private static final long ALLOCATION_RETRY_MILLIS = 1_000;

    private final Vertx vertx;
    private final SessionRegistry sessions;
    private final SessionPublisher publisher;
    private final PartitionOwnership ownership;
    private final Clock clock;
    private boolean deciding;
    private volatile boolean stopping;

    KafkaInputs(Vertx vertx, SessionRegistry sessions, SessionPublisher publisher, PartitionOwnership ownership,
                Clock clock) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.publisher = publisher;
        this.ownership = ownership;
        this.clock = clock;
    }

    /** The state is rebuilt: heartbeats now decide, not only keep the books. */
    void startDeciding() {
        deciding = true;
    }

    boolean isDeciding() {
        return deciding;
    }

    /** The service stops: allocations Kafka did not acknowledge are no longer retried. */
    void stopping() {
        stopping = true;
    }

    Future<?> onSessionRecords(List<ConsumerRecord<String, byte[]>> records, Malformed malformed) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            if (record.value() == null) {
                sessions.applyTombstone(record.key());
                continue;
            }
            if (publisher.isAppliedOwnRecord(record.key(), record.value())) {
                // Applied before it was published; the replay at start has no own records, so decodes them all.
                continue;
            }
            decode(record, SessionEvent.class, malformed).ifPresent(sessions::applyPublished);
        }
        // Reports held here for sessions another instance allocated meanwhile. Not a failure of this batch if Kafka
        // refuses them: they are held again and released with the next one.
        return publisher.publish(sessions.releaseHeldReports(clock.instant())).otherwiseEmpty();
    }

    Future<?> onContextRecords(List<ConsumerRecord<String, byte[]>> records, Malformed malformed) {
        List<SessionChange> changes = new ArrayList<>();
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            if (Topics.HOST_HEALTH.equals(record.topic())) {
                if (record.value() != null) {
                    // While replaying, only the bookkeeping: decisions wait until the state is complete.
                    decode(record, HostHealthEvent.class, malformed).ifPresent(snapshot -> changes.addAll(
                            sessions.onHostHealth(snapshot, now, deciding ? ownership::owns : NONE)));
                }
                continue;
            }
            if (Topics.HOST_COMMANDS.equals(record.topic())) {
                if (record.value() != null) {
                    decode(record, HostCommandEvent.class, malformed)
                            .ifPresent(command -> sessions.onHostCommand(command, now));
                }
                continue;
            }
            ConfigKey.parse(record.key()).ifPresent(key -> onConfigRecord(key, record, malformed));
        }
        return publisher.publish(changes);
    }

    private void onConfigRecord(ConfigKey key, ConsumerRecord<String, byte[]> record, Malformed malformed) {
        switch (key.kind()) {
            case POOL -> {
                if (record.value() == null) {
                    sessions.onPoolRemoved(key.id());
                } else {
                    decode(record, HostPoolConfig.class, malformed).ifPresent(sessions::onPoolConfig);
                }
            }
            case HOST -> {
                if (record.value() == null) {
                    sessions.onHostRemoved(key.id());
                } else {
                    decode(record, HostRegistration.class, malformed).ifPresent(sessions::onHostRegistration);
                }
            }
            case APP_GROUP, SCALING_PLAN, SCALING -> {
                // Application groups and scaling do not affect sessions (the scaler's LOGOFFs come as commands).
            }
        }
    }

    Future<?> onAllocationRecords(List<ConsumerRecord<String, byte[]>> records, Malformed malformed) {
        List<AllocationEvent> allocations = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() != null) {
                decode(record, AllocationEvent.class, malformed).ifPresent(allocations::add);
            }
        }
        return applyAllocations(allocations);
    }

    /**
     * Decides and publishes the allocations' sessions, again while Kafka does not acknowledge them (a failed change
     * is undone, so deciding again redoes it): the reader commits the batch only after, so no allocation the broker
     * acknowledged is skipped, and reports held for it are not dropped for want of it.
     */
    private Future<Void> applyAllocations(List<AllocationEvent> allocations) {
        List<SessionChange> changes = new ArrayList<>();
        Instant now = clock.instant();
        for (AllocationEvent allocation : allocations) {
            changes.addAll(sessions.onAllocation(allocation, now));
        }
        return publisher.publish(changes).recover(error -> {
            if (stopping) {
                return Future.failedFuture(error);
            }
            LOG.warn("Sessions of {} allocations not published, retrying in {} ms: {}", allocations.size(),
                    ALLOCATION_RETRY_MILLIS, error.getMessage());
            return vertx.timer(ALLOCATION_RETRY_MILLIS).compose(fired -> applyAllocations(allocations));
        });
    }

    private static <T extends Event> Optional<T> decode(ConsumerRecord<String, byte[]> record, Class<T> type,
                                                        Malformed malformed) {
        try {
            return Optional.of(EventCodec.decode(record.value(), type));
        } catch (MalformedEventException e) {
            malformed.accept(record, e);
            return Optional.empty();
        }
    }

    /** Where a record that is no valid event is counted and logged: its reader's {@code countMalformed}. */
    interface Malformed extends BiConsumer<ConsumerRecord<?, ?>, Exception> {
    }
}
