package io.berth.session;

import io.berth.common.config.KafkaConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.FailurePolicy;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.berth.session.domain.SessionRegistry;
import io.berth.session.domain.TickResult;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

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

    private ApiContract contract;
    private SessionRegistry sessions;
    private SessionMetrics metrics;
    private SessionPublisher publisher;
    private PartitionOwnership ownership;
    private KafkaInputs inputs;
    private EventProducer producer;
    private TopicReader stateReader;
    private TopicReader contextReader;
    private TopicReader allocationReader;
    private long sweepTimer = -1;
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
        readiness().require("berth.sessions", () -> stateReader != null && stateReader.isCaughtUp());
        readiness().require("berth.config+berth.host-health+berth.host-commands",
                () -> contextReader != null && contextReader.isCaughtUp());
        readiness().require("berth.allocations", () -> allocationReader != null && allocationReader.isCaughtUp());

        return loadContract().compose(loaded -> blocking(() -> {
            contract = loaded;
            Map<String, Object> producerSettings = new HashMap<>(KafkaClients.offConnectPathProducer());
            producerSettings.putAll(PRODUCER_TIMEOUTS);
            producer = shutdown().close("producer",
                    EventProducer.create(vertx, kafka, clientId("producer"), registry(), producerSettings));
            return PartitionOwnership.ofSessionsTopic(kafka);
        })).compose(owned -> {
            ownership = owned;
            publisher = new SessionPublisher(producer, sessions, metrics);
            inputs = new KafkaInputs(vertx, sessions, publisher, ownership, clock);
            stateReader = shutdown().close(Topics.SESSIONS + " reader",
                    TopicReader.replay(vertx, kafka, clientId("sessions"), Topics.SESSIONS)
                            .metrics(registry())
                            .handler(records -> inputs.onSessionRecords(records, stateReader::countMalformed))
                            .start());
            // berth.host-commands: what was already sent for each session (a limit's commands go out once, even
            // across restarts) and the LOGOFFs that end a session by themselves (DESIGN.md 7.5). Keyed by host,
            // so every instance reads all of it.
            contextReader = shutdown().close("context reader",
                    TopicReader.replay(vertx, kafka, clientId("context"), Topics.CONFIG, Topics.HOST_HEALTH,
                                    Topics.HOST_COMMANDS)
                            .metrics(registry())
                            .handler(records -> inputs.onContextRecords(records, contextReader::countMalformed))
                            .start());
            Future.all(stateReader.caughtUp(), contextReader.caughtUp())
                    .onSuccess(caughtUp -> startDeciding(kafka))
                    .onFailure(error -> LOG.error("Replaying the session state failed", error));
            Router router = apiRouter(contract);
            new SessionApi(sessions, publisher, clock, inputs::isDeciding).mount(router, jwt());
            return listen(router);
        });
    }

    private void startDeciding(KafkaConfig kafka) {
        LOG.info("Session state rebuilt from Kafka: {} sessions", sessions.size());
        sessions.startDeciding(clock.instant());
        inputs.startDeciding();
        allocationReader = shutdown().close(Topics.ALLOCATIONS + " reader", TopicReader.group(vertx, kafka,
                        clientId("allocations"), CONSUMER_GROUP, Topics.ALLOCATIONS)
                .metrics(registry())
                .failurePolicy(FailurePolicy.RETRY_BATCH)
                .handler(records -> inputs.onAllocationRecords(records, allocationReader::countMalformed))
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
                .start());
        sweepTimer = vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> sweep());
    }

    /** Pending timeouts, reconciliation endings, session limits and tombstones; one sweep's publications at a time. */
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
        Future.join(publisher.publish(result.changes()), publisher.tombstone(result.tombstones()),
                        publisher.limitCommands(result.commands()))
                .onComplete(done -> {
                    sweeping = false;
                    metrics.refresh(sessions);
                });
    }

    /**
     * {@link ApiContract#load} awaits Vert.x futures, which neither an event loop nor a worker thread may do: it
     * runs on a thread of the common pool, and the verticle's start continues on its context.
     */
    private Future<ApiContract> loadContract() {
        return Future.fromCompletionStage(
                CompletableFuture.supplyAsync(() -> ApiContract.load(vertx, SessionApi.DOCUMENT)), context);
    }

    private String clientId(String purpose) {
        return "berth-session-" + purpose + "-" + instanceId;
    }

    /** Stops deciding; then the HTTP server closes and the readers and the producer, the last started first. */
    @Override
    public Future<?> stop() throws Exception {
        if (inputs != null) {
            inputs.stopping();
        }
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        return super.stop();
    }
}
