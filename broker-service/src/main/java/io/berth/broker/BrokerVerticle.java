package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.HeartbeatSilenceWatch;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.cache.PartitionWatch;
import io.berth.broker.cache.ReplicatedLedger;
import io.berth.broker.cache.ReservationSweeper;
import io.berth.broker.domain.AssignmentRate;
import io.berth.broker.domain.ConnectFlow;
import io.berth.broker.domain.HeartbeatSource;
import io.berth.broker.domain.HostPlacement;
import io.berth.broker.domain.NodeStanding;
import io.berth.broker.domain.ReleaseRule;
import io.berth.broker.feed.CacheFeed;
import io.berth.broker.feed.FeedApplier;
import io.berth.broker.ticket.TicketSigner;
import io.berth.common.auth.Role;
import io.berth.common.config.Env;
import io.berth.common.http.ApiContract;
import io.berth.common.http.GatewayQuota;
import io.berth.common.kafka.EventProducer;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.Shutdown;
import io.berth.common.runtime.ServiceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The broker-service: joins the broker cluster's replicated caches, feeds them from Kafka, and serves
 * {@link BrokerApi}. Placement itself is {@link HostPlacement} and {@link ConnectFlow} (plain Java); this class
 * wires them to the caches, Kafka and HTTP.
 */
public final class BrokerVerticle extends BerthVerticle {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerVerticle.class);

    /**
     * The allocation producer's limits, so that a connect never waits on an unreachable Kafka for more than
     * about 6 s (DESIGN.md 7.1: a 503 within 10 s, with room for a connect that first waited up to 3 s on the
     * same user's connect in progress): the send fails after {@code delivery.timeout.ms}, a request is retried
     * within it after {@code request.timeout.ms}, and {@code send} itself blocks at most {@code max.block.ms}
     * for metadata or buffer space.
     */
    private static final Map<String, Object> ALLOCATION_PRODUCER = Map.of(
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);

    /** Frees a reservation only past the allocation producer's timeouts, with 2 s for clocks. */
    private static final ReleaseRule RELEASE_RULE = new ReleaseRule(
            ((Number) ALLOCATION_PRODUCER.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).longValue(),
            ((Number) ALLOCATION_PRODUCER.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).longValue(), 2_000);

    private final BrokerSettings settings;
    private final AvailabilitySettings availability;
    private final Clock clock = Clock.systemUTC();
    private BrokerCaches caches;
    private LocalIndex index;
    private ApiContract contract;
    private TicketSigner tickets;
    private EventProducer producer;
    private CacheFeed feed;
    private ConnectMetrics metrics;
    private PartitionWatch partition;
    private final Shutdown shutdown = new Shutdown();

    public BrokerVerticle(ServiceContext context, BrokerSettings settings) {
        this(context, settings, AvailabilitySettings.defaults());
    }

    public BrokerVerticle(ServiceContext context, BrokerSettings settings, AvailabilitySettings availability) {
        super(context);
        this.settings = settings;
        this.availability = availability;
    }

    /** The factory for {@code ServiceRuntime.start} and {@code ServiceMain.run}, with the broker's settings from env. */
    public static Function<ServiceContext, BerthVerticle> factory(Env env) {
        BrokerSettings settings = BrokerSettings.load(env);
        AvailabilitySettings availability = AvailabilitySettings.load(env);
        return context -> new BrokerVerticle(context, settings, availability);
    }

    @Override
    public Future<?> start() {
        metrics = new ConnectMetrics(registry());
        String node = serviceConfig().cluster().nodeName();
        return blocking(() -> {
            // Closed in reverse: the feed leaves its consumer group, the producer flushes, the node leaves the
            // cluster (the other nodes keep every entry).
            caches = shutdown.close("the broker caches", BrokerCaches.start(serviceConfig().cluster(), settings,
                    settings.clusterSecret().open(serviceConfig().dataDir())));
            index = new LocalIndex(clock::millis, new HeartbeatSource(availability.degradedPlacement().toMillis()));
            index.follow(caches);
            partition = new PartitionWatch(vertx, caches, index, BrokerGauges.replicasRepaired(registry()));
            contract = ApiContract.load(vertx, BrokerApi.DOCUMENT);
            tickets = TicketSigner.loadOrCreate(settings.ticketKeyFile()
                    .orElse(serviceConfig().dataDir().resolve("ticket-key")));
            producer = shutdown.close("the allocation producer", EventProducer.create(vertx, serviceConfig().kafka(),
                    "broker-" + node, registry(), ALLOCATION_PRODUCER));
            feed = shutdown.close("the broker feed", new CacheFeed(serviceConfig().kafka(), settings.consumerGroup(),
                    "broker-feed-" + node, new FeedApplier(caches, metrics.malformedRecords,
                    metrics.feedChangesComputed, metrics.feedChangesUnchanged), caches.feedOffsets(), registry(),
                    partition::mayFeed));
            feed.start();
            return null;
        }).compose(ignored -> {
            HeartbeatSilenceWatch silence = new HeartbeatSilenceWatch(vertx, index, availability.degradedPlacement());
            BrokerGauges.register(registry(), caches, index, silence);
            readiness().require("broker caches caught up with Kafka", feed::isCaughtUp);
            readiness().note("placement", silence::readinessNote);
            readiness().note("partition", partition::readinessNote);
            ReservationSweeper sweeper = new ReservationSweeper(caches, index, clock::millis,
                    metrics.reservationsReleased, RELEASE_RULE, feed::allocationsReadThroughMillis);
            long sweepTimer = vertx.setPeriodic(1000, id -> {
                partition.tick();
                silence.tick();
                // A merging node's index is not re-read yet: it releases nothing from it.
                if (partition.isMerged()) {
                    sweeper.sweep();
                }
            });
            shutdown.then("the sweep timer", () -> Future.succeededFuture(vertx.cancelTimer(sweepTimer)));
            LOG.info("Broker node {} joined cluster '{}' ({} members)", node,
                    serviceConfig().cluster().clusterName(), caches.clusterSize());
            return listen(router(node));
        }).recover(failure -> shutdown.run(vertx).transform(closed -> Future.failedFuture(failure)));
    }

    /** The connect flow on this node's caches and producer, and the API around it. */
    private Router router(String node) {
        HostPlacement placement = new HostPlacement(index, clock::millis, ThreadLocalRandom::current,
                new AssignmentRate(settings.personalAssignmentsPerMinute()));
        Context context = vertx.getOrCreateContext();
        // Remote cache operations complete on Infinispan's threads; the connect goes on on this verticle's.
        Executor onContext = command -> {
            if (Vertx.currentContext() == context) {
                command.run();
            } else {
                context.runOnContext(v -> command.run());
            }
        };
        NodeStanding standing = partition.standing(feed::isCaughtUp);
        ConnectFlow flow = new ConnectFlow(placement, new ReplicatedLedger(caches, clock::millis, onContext),
                new KafkaAllocationLog(producer, node, clock), () -> UUID.randomUUID().toString(), metrics, standing);
        IdempotentConnects connects = new IdempotentConnects(vertx, flow, caches.idempotency(), clock::millis,
                standing::isInMinority);
        Router router = apiRouter(contract);
        GatewayQuota quota = new GatewayQuota(settings.gatewayRatePerSecond(), settings.gatewayMaxConcurrent(),
                registry());
        new BrokerApi(connects, tickets, settings.ticketTtlSeconds(), metrics, clock::millis, index)
                .mount(router, jwt().require(Role.GATEWAY), quota);
        return router;
    }

    /** This node's read side (tests wait on it for what they fed through Kafka). */
    LocalIndex index() {
        return index;
    }

    BrokerCaches caches() {
        return caches;
    }

    CacheFeed feed() {
        return feed;
    }

    /** Stops answering (the HTTP server), then undoes the start in reverse. */
    @Override
    public Future<?> stop() throws Exception {
        return super.stop().transform(ignored -> shutdown.run(vertx));
    }
}
