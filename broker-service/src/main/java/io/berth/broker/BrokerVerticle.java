package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.cache.ReplicatedLedger;
import io.berth.broker.cache.ReservationSweeper;
import io.berth.broker.domain.AppGroupAccess;
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
import io.berth.common.http.GatewayQuota;
import io.berth.common.kafka.EventProducer;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The broker-service: joins the broker cluster's replicated caches, feeds them from Kafka, and answers
 * {@code POST /api/v1/connect}, {@code GET /api/v1/users/{userId}/resources} and {@code GET /api/v1/ticket-key}.
 * Placement itself is {@link HostPlacement} and {@link ConnectFlow} (plain Java); this class wires them.
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

    /** Frees a reservation only past the allocation producer's delivery timeout, with 2 s for clocks. */
    private static final ReleaseRule RELEASE_RULE = new ReleaseRule(
            ((Number) ALLOCATION_PRODUCER.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).longValue(), 2_000);

    private final BrokerSettings settings;
    private final AvailabilitySettings availability;
    private final Clock clock = Clock.systemUTC();
    private BrokerCaches caches;
    private LocalIndex index;
    private TicketSigner tickets;
    private EventProducer producer;
    private CacheFeed feed;
    private ConnectMetrics metrics;
    private long sweepTimer = -1;
    private boolean inMinority;
    /**
     * Entered a minority, and the merge that ends it has not settled yet: placing nothing and not feeding until the
     * caches have resolved their conflicts and this node has re-read them (volatile: the feed thread reads it).
     */
    private volatile boolean merging;
    private int settledTicks;
    /** The cluster view whose cache copies this node last repaired against their primaries, and the ticks it settled. */
    private long repairedView = -1;
    private int viewSettledTicks;
    private boolean repairing;
    private Counter replicasRepaired;

    private boolean placingDegraded;

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
            caches = BrokerCaches.start(serviceConfig().cluster(), settings,
                    settings.clusterSecret().open(serviceConfig().dataDir()));
            index = new LocalIndex(clock::millis, new HeartbeatSource(availability.degradedPlacement().toMillis()));
            index.follow(caches);
            tickets = TicketSigner.loadOrCreate(settings.ticketKeyFile()
                    .orElse(serviceConfig().dataDir().resolve("ticket-key")));
            producer = EventProducer.create(vertx, serviceConfig().kafka(), "broker-" + node, registry(),
                    ALLOCATION_PRODUCER);
            BrokerCaches joined = caches;
            feed = new CacheFeed(serviceConfig().kafka(), settings.consumerGroup(), "broker-feed-" + node,
                    new FeedApplier(caches, metrics.malformedRecords, metrics.feedChangesComputed,
                            metrics.feedChangesUnchanged), caches.feedOffsets(), registry(),
                    () -> !joined.isInMinority() && !merging);
            feed.start();
            return null;
        }).compose(ignored -> {
            registerGauges();
            readiness().require("broker caches caught up with Kafka", feed::isCaughtUp);
            readiness().note("placement", () -> placingDegraded ? Optional.of("degraded: no heartbeat has arrived"
                    + " for longer than the staleness window (is the inventory down?); placing on the hosts that were"
                    + " AVAILABLE and fresh when it went silent, for at most "
                    + availability.degradedPlacement().toSeconds() + " s") : Optional.empty());
            readiness().note("partition", () -> caches != null && caches.isInMinority()
                    ? Optional.of("minority: this node sees no strict majority of its cluster; it places no new"
                    + " session and leaves the feed to the majority") : Optional.empty());
            ReservationSweeper sweeper = new ReservationSweeper(caches, index, clock::millis,
                    metrics.reservationsReleased, RELEASE_RULE, feed::allocationsReadThroughMillis);
            sweepTimer = vertx.setPeriodic(1000, id -> {
                watchPartition();
                watchReplicas();
                watchHeartbeatSource();
                // A merging node's index is not re-read yet: it releases nothing from it.
                if (!merging) {
                    sweeper.sweep();
                }
            });
            LOG.info("Broker node {} joined cluster '{}' ({} members)", node,
                    serviceConfig().cluster().clusterName(), caches.clusterSize());
            return listen(router(node));
        }).recover(failure -> blocking(() -> {
            closeQuietly();
            return null;
        }).transform(closed -> Future.failedFuture(failure)));
    }

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
        BrokerCaches joined = caches;
        CacheFeed fed = feed;
        NodeStanding standing = new NodeStanding() {
            @Override
            public boolean isCaughtUp() {
                return fed.isCaughtUp();
            }

            @Override
            public boolean isInMinority() {
                return merging || joined.isInMinority();
            }

            @Override
            public long clusterView() {
                return joined.clusterView();
            }
        };
        ConnectFlow flow = new ConnectFlow(placement, new ReplicatedLedger(caches, clock::millis, onContext),
                new KafkaAllocationLog(producer, node, clock), () -> UUID.randomUUID().toString(), metrics, standing);
        ConnectEndpoint connect = new ConnectEndpoint(vertx, flow, caches.idempotency(), tickets,
                settings.ticketTtlSeconds(), metrics, clock::millis, standing::isInMinority);
        Router router = apiRouter();
        GatewayQuota quota = new GatewayQuota(settings.gatewayRatePerSecond(), settings.gatewayMaxConcurrent(),
                registry());
        router.post("/api/v1/connect").handler(jwt().require(Role.GATEWAY)).handler(quota).handler(connect::handle);
        router.get("/api/v1/users/:userId/resources").handler(jwt().require(Role.GATEWAY)).handler(quota)
                .handler(this::resources);
        router.get("/api/v1/ticket-key").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "max-age=300")
                .end(new JsonObject(tickets.jwkSet()).toBuffer()));
        return router;
    }

    /** The application groups the user may open: listed by id, or through a group the gateway reports. */
    private void resources(RoutingContext ctx) {
        String userId = ctx.pathParam("userId");
        List<String> groups = new ArrayList<>();
        for (String value : ctx.queryParam("groups")) {
            for (String group : value.split(",")) {
                if (!group.isBlank()) {
                    groups.add(group.trim());
                }
            }
        }
        List<AppGroupAccess> open = new ArrayList<>();
        for (AppGroupAccess appGroup : index.appGroups()) {
            if (appGroup.admits(userId, groups)) {
                open.add(appGroup);
            }
        }
        open.sort(Comparator.comparing(AppGroupAccess::appGroupId));
        JsonArray body = new JsonArray();
        for (AppGroupAccess appGroup : open) {
            body.add(new JsonObject()
                    .put("appGroupId", appGroup.appGroupId())
                    .put("type", appGroup.type().name())
                    .put("poolId", appGroup.poolId()));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(body.toBuffer());
    }

    /**
     * Says once per transition that this node entered or left a minority partition. On leaving it, waits until
     * every cache settled (conflicts resolved: the majority's copy won), re-reads them into the local index,
     * and only then places and feeds again.
     */
    private void watchPartition() {
        boolean minority = caches.isInMinority();
        if (minority != inMinority) {
            inMinority = minority;
            if (minority) {
                LOG.warn("Broker node is in a minority partition ({} of its cluster's members visible): it places no"
                        + " new session and leaves the feed to the majority until the partition heals",
                        caches.clusterSize());
                // Set now, not when the majority is back: the feed must not rejoin between the caches turning
                // available and this watch noticing it, while the merge's conflict resolution still runs.
                merging = true;
                return;
            }
            LOG.info("Broker node sees a majority again ({} members): waiting for the caches to merge",
                    caches.clusterSize());
            settledTicks = 0;
        }
        if (!merging) {
            return;
        }
        // Two settled ticks in a row: the merge's conflict resolution and rebalance are over, not just begun.
        settledTicks = caches.isSettled() ? settledTicks + 1 : 0;
        if (settledTicks == 2) {
            BrokerCaches merged = caches;
            long view = merged.clusterView();
            blocking(() -> {
                // The merge kept this node's copies of keys the majority removed meanwhile: align them first.
                replicasRepaired.increment(merged.repairReplicas());
                index.resync(merged);
                return null;
            }).onComplete(done -> {
                if (done.failed()) {
                    settledTicks = 0;
                    LOG.warn("Could not re-read the merged caches; trying again", done.cause());
                    return;
                }
                merging = false;
                repairedView = view;
                LOG.info("Broker node merged ({} members): caches re-read, placing and feeding again",
                        merged.clusterSize());
            });
        }
    }

    /**
     * After every change of the cluster's membership, once the caches settled, makes this node's copies equal to
     * their primary owners' (a member lost mid-write, or a merge, leaves copies that differ: {@code ReplicaRepair}
     * says why). A merging minority node does it in {@link #watchPartition()} before it re-reads its index.
     */
    private void watchReplicas() {
        long view = caches.clusterView();
        if (view == repairedView || repairing || merging || caches.isInMinority()) {
            viewSettledTicks = 0;
            return;
        }
        viewSettledTicks = caches.isSettled() ? viewSettledTicks + 1 : 0;
        if (viewSettledTicks < 2) {
            return;
        }
        repairing = true;
        BrokerCaches current = caches;
        blocking(current::repairReplicas).onComplete(done -> {
            repairing = false;
            viewSettledTicks = 0;
            if (done.failed()) {
                // A rebalance began meanwhile (the conflict manager refuses to compare during one): next tick.
                LOG.debug("Could not compare the cache copies yet; trying again", done.cause());
                return;
            }
            repairedView = view;
            replicasRepaired.increment(done.result());
            if (done.result() > 0) {
                LOG.warn("Repaired {} cache entries whose copy differed from their primary owner's after the cluster"
                        + " membership changed (view {})", done.result(), view);
            }
        });
    }

    /**
     * Says once per transition that the heartbeat source went silent (placing on last-known hosts) or spoke
     * again; entering degraded placement re-indexes the hosts that left the index as stale meanwhile.
     */
    private void watchHeartbeatSource() {
        boolean degraded = index.isPlacingDegraded();
        if (degraded == placingDegraded) {
            return;
        }
        placingDegraded = degraded;
        if (degraded) {
            LOG.warn("No host heartbeat applied since {}: the heartbeat source (inventory) is silent; placing on the"
                    + " hosts that were AVAILABLE and fresh then, for at most {} s",
                    java.time.Instant.ofEpochMilli(index.heartbeatSource().newestHeartbeatMillis()),
                    availability.degradedPlacement().toSeconds());
            blocking(() -> {
                index.reindex();
                return null;
            });
        } else {
            LOG.warn("Degraded placement ended: heartbeats arrive again, or its bound of {} s has passed (then no"
                    + " host is fresh: connects answer 503 no_fresh_heartbeat)", availability.degradedPlacement().toSeconds());
        }
    }

    private void registerGauges() {
        gauge("pools", caches.pools());
        gauge("appgroups", caches.appGroups());
        gauge("hosts", caches.hosts());
        gauge("seats", caches.seats());
        gauge("idempotency", caches.idempotency());
        replicasRepaired = Counter.builder("berth_broker_replicas_repaired_total")
                .description("Cache entries this node repaired to their primary owner's copy after a membership change")
                .register(registry());
        FunctionCounter.builder("berth_idempotency_evictions_total", caches, BrokerCaches::idempotencyEvictions)
                .description("Idempotency keys this node forgot before their ten minutes because the cache was full")
                .register(registry());
        Gauge.builder("berth_broker_cluster_members", caches, BrokerCaches::clusterSize)
                .description("Broker nodes in this node's Infinispan cluster view")
                .register(registry());
        Gauge.builder("berth_broker_partition_minority", caches, c -> c.isInMinority() ? 1 : 0)
                .description("1 while this node has no strict majority of its cluster's last stable membership")
                .register(registry());
        Gauge.builder("berth_broker_placement_degraded", this, v -> v.placingDegraded ? 1 : 0)
                .description("1 while the heartbeat source is silent and this node places on last-known AVAILABLE"
                        + " hosts")
                .register(registry());
        Gauge.builder("berth_broker_unconfirmed_reservation_hosts", index,
                        i -> i.hostsWithUnconfirmedReservations().size())
                .description("Hosts holding reservations berth.sessions has not confirmed yet")
                .register(registry());
    }

    private void gauge(String name, Cache<?, ?> cache) {
        Cache<?, ?> local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_CACHE_LOAD);
        // A strong reference: the flagged cache is a decorator nothing else holds, and a gauge's default weak
        // reference let it be collected, after which the gauge read NaN.
        Gauge.builder("berth_cache_entries", local, Cache::size)
                .description("Entries in the broker's replicated caches (this node's copy)")
                .tag("cache", name)
                .strongReference(true)
                .register(registry());
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

    @Override
    public Future<?> stop() throws Exception {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        return super.stop().transform(ignored -> blocking(() -> {
            closeQuietly();
            return null;
        }));
    }

    /** Leaves the consumer group and the cluster; the other nodes keep every entry. */
    private void closeQuietly() {
        try {
            if (feed != null) {
                feed.close();
            }
            if (producer != null) {
                producer.close();
            }
        } finally {
            if (caches != null) {
                caches.close();
                caches = null;
            }
        }
    }
}
