package io.berth.session;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.FailurePolicy;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.berth.session.domain.SessionChange;
import io.berth.session.domain.SessionRegistry;
import io.berth.session.domain.TickResult;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The session service: wires Kafka, HTTP and timers to the {@link SessionRegistry}.
 *
 * <p>Start-up order matters. The registry is rebuilt from {@code berth.sessions} (its own records) and from
 * {@code berth.config} + {@code berth.host-health} (pools, registrations, heartbeats), all read from the
 * beginning and then followed. Only once both replays have caught up does it decide anything: it then joins the
 * {@code berth-session-service} consumer group on {@code berth.allocations} and starts the periodic sweep (pending
 * timeouts, reconciliation endings, removed hosts, tombstones). Deciding earlier could resurrect a session whose
 * ENDED record had not been read yet. Pending time counts from then at the earliest: while the service was down
 * or replaying, no agent could report a logon.
 */
public final class SessionVerticle extends BerthVerticle {

    public static final String CONSUMER_GROUP = "berth-session-service";

    private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
    private static final Predicate<String> NONE = sessionId -> false;
    /** How long to wait before publishing an allocation's session again when Kafka did not acknowledge it. */
    private static final long ALLOCATION_RETRY_MILLIS = 1_000;

    /**
     * Every write path answers within 10 s while Kafka is unreachable (DESIGN.md 7.1): a send not acknowledged in
     * 8 s fails (and its change is undone) instead of waiting out common's 15 s. The delivery timeout must cover
     * the linger and one request timeout, hence the shorter request timeout.
     */
    static final Map<String, Object> PRODUCER_TIMEOUTS = Map.of(
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);

    private final SessionSettings settings;
    private final Clock clock;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

    private SessionRegistry sessions;
    private SessionMetrics metrics;
    private SessionPublisher publisher;
    private PartitionOwnership ownership;
    private EventProducer producer;
    private TopicReader stateReader;
    private TopicReader contextReader;
    private TopicReader allocationReader;
    private Counter malformedRecords;
    private long sweepTimer = -1;
    private volatile boolean stopping;
    private boolean deciding;
    private boolean sweeping;

    public SessionVerticle(ServiceContext context, SessionSettings settings) {
        this(context, settings, Clock.systemUTC());
    }

    public SessionVerticle(ServiceContext context, SessionSettings settings, Clock clock) {
        super(context);
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        KafkaConfig kafka = serviceConfig().kafka();
        sessions = new SessionRegistry(settings.endedRetention(), settings.unknownReportHold());
        metrics = new SessionMetrics(registry());
        malformedRecords = Counter.builder("berth_session_malformed_records_total")
                .description("Records on the consumed topics that are not valid events; skipped")
                .register(registry());
        readiness().require("berth.sessions", () -> stateReader != null && stateReader.isCaughtUp());
        readiness().require("berth.config+berth.host-health",
                () -> contextReader != null && contextReader.isCaughtUp());
        readiness().require("berth.allocations", () -> allocationReader != null && allocationReader.isCaughtUp());

        return blocking(() -> {
            Map<String, Object> producerSettings = new HashMap<>(KafkaClients.offConnectPathProducer());
            producerSettings.putAll(PRODUCER_TIMEOUTS);
            producer = EventProducer.create(vertx, kafka, clientId("producer"), registry(), producerSettings);
            return sessionsPartitionCount(kafka);
        }).compose(partitionCount -> {
            ownership = new PartitionOwnership(partitionCount);
            publisher = new SessionPublisher(producer, sessions, metrics);
            stateReader = TopicReader.replay(vertx, kafka, clientId("sessions"), Topics.SESSIONS)
                    .metrics(registry())
                    .handler(this::onSessionRecords)
                    .start();
            contextReader = TopicReader.replay(vertx, kafka, clientId("context"), Topics.CONFIG, Topics.HOST_HEALTH)
                    .metrics(registry())
                    .handler(this::onContextRecords)
                    .start();
            Future.all(stateReader.caughtUp(), contextReader.caughtUp())
                    .onSuccess(caughtUp -> startDeciding(kafka))
                    .onFailure(error -> LOG.error("Replaying the session state failed", error));
            Router router = apiRouter();
            new SessionApi(sessions, publisher, clock, () -> deciding).mount(router, jwt());
            return listen(router);
        });
    }

    private void startDeciding(KafkaConfig kafka) {
        LOG.info("Session state rebuilt from Kafka: {} sessions", sessions.size());
        sessions.startDeciding(clock.instant());
        deciding = true;
        allocationReader = TopicReader.group(vertx, kafka, clientId("allocations"), CONSUMER_GROUP,
                        Topics.ALLOCATIONS)
                .metrics(registry())
                .failurePolicy(FailurePolicy.RETRY_BATCH)
                .handler(this::onAllocationRecords)
                .onAssigned(partitions -> {
                    ownership.assigned(partitions);
                    LOG.info("Owning allocation partitions {}", ownership.owned());
                    // Called on the reader's thread: the registry is the event loop's.
                    context.runOnContext(v -> publisher.publish(
                            sessions.activateListedPending(clock.instant(), ownership::owns)));
                })
                .onRevoked(partitions -> {
                    ownership.revoked(partitions);
                    LOG.info("Gave up allocation partitions; owning {}", ownership.owned());
                })
                .start();
        sweepTimer = vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> sweep());
    }

    // ---------------------------------------------------------------- Kafka input

    private Future<?> onSessionRecords(List<ConsumerRecord<String, byte[]>> records) {
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
            decode(record, SessionEvent.class).ifPresent(sessions::applyPublished);
        }
        // Reports held here for sessions another instance allocated meanwhile. Not a failure of this batch if Kafka
        // refuses them: they are held again and released with the next one.
        return publisher.publish(sessions.releaseHeldReports(clock.instant())).otherwiseEmpty();
    }

    private Future<?> onContextRecords(List<ConsumerRecord<String, byte[]>> records) {
        List<SessionChange> changes = new ArrayList<>();
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            if (Topics.HOST_HEALTH.equals(record.topic())) {
                if (record.value() != null) {
                    // While replaying, only the bookkeeping: decisions wait until the state is complete.
                    decode(record, HostHealthEvent.class).ifPresent(snapshot -> changes.addAll(
                            sessions.onHostHealth(snapshot, now, deciding ? ownership::owns : NONE)));
                }
                continue;
            }
            ConfigKey.parse(record.key()).ifPresent(key -> onConfigRecord(key, record));
        }
        return publisher.publish(changes);
    }

    private void onConfigRecord(ConfigKey key, ConsumerRecord<String, byte[]> record) {
        switch (key.kind()) {
            case POOL -> {
                if (record.value() == null) {
                    sessions.onPoolRemoved(key.id());
                } else {
                    decode(record, HostPoolConfig.class).ifPresent(sessions::onPoolConfig);
                }
            }
            case HOST -> {
                if (record.value() == null) {
                    sessions.onHostRemoved(key.id());
                } else {
                    decode(record, HostRegistration.class).ifPresent(sessions::onHostRegistration);
                }
            }
            case APP_GROUP -> {
                // Application groups do not affect sessions.
            }
        }
    }

    private Future<?> onAllocationRecords(List<ConsumerRecord<String, byte[]>> records) {
        List<AllocationEvent> allocations = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() != null) {
                decode(record, AllocationEvent.class).ifPresent(allocations::add);
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

    private <T extends Event> Optional<T> decode(
            ConsumerRecord<String, byte[]> record, Class<T> type) {
        try {
            return Optional.of(EventCodec.decode(record.value(), type));
        } catch (MalformedEventException e) {
            malformedRecords.increment();
            LOG.warn("Skipping malformed record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- time

    private void sweep() {
        metrics.refresh(sessions);
        if (sweeping) {
            return;
        }
        TickResult result = sessions.tick(clock.instant(), ownership::owns);
        if (result.isEmpty()) {
            return;
        }
        sweeping = true;
        Future.join(publisher.publish(result.changes()), publisher.tombstone(result.tombstones()))
                .onComplete(done -> {
                    sweeping = false;
                    metrics.refresh(sessions);
                });
    }

    // ---------------------------------------------------------------- plumbing

    private String clientId(String purpose) {
        return "berth-session-" + purpose + "-" + instanceId;
    }

    /** The partition count of {@code berth.sessions}, which ownership hashes session ids into (blocking). */
    private static int sessionsPartitionCount(KafkaConfig kafka) throws Exception {
        try (Admin admin = Admin.create(KafkaClients.adminProps(kafka, "berth-session-describe"))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(Topics.SESSIONS, Topics.ALLOCATIONS))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            int sessionPartitions = topics.get(Topics.SESSIONS).partitions().size();
            int allocationPartitions = topics.get(Topics.ALLOCATIONS).partitions().size();
            if (sessionPartitions != allocationPartitions) {
                LOG.warn("{} has {} partitions but {} has {}: with several session-service instances, a session's "
                                + "owner is then not well defined", Topics.SESSIONS, sessionPartitions,
                        Topics.ALLOCATIONS, allocationPartitions);
            }
            return sessionPartitions;
        }
    }

    @Override
    public Future<?> stop() throws Exception {
        stopping = true;
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        return Future.succeededFuture()
                .compose(v -> {
                    try {
                        return super.stop();
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                })
                .compose(v -> blocking(() -> {
                    for (AutoCloseable closeable : new AutoCloseable[]{allocationReader, contextReader, stateReader,
                            producer}) {
                        if (closeable != null) {
                            try {
                                closeable.close();
                            } catch (Exception e) {
                                LOG.warn("Closing {} failed", closeable, e);
                            }
                        }
                    }
                    return null;
                }));
    }
}
