package io.berth.inventory;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.auth.Principal;
import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.http.JsonAnswers;
import io.berth.common.http.JsonBodies;
import io.berth.common.http.ProblemException;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.berth.inventory.domain.AgentCredential;
import io.berth.inventory.domain.AgentRegistration;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Heartbeat;
import io.berth.inventory.domain.HostPatch;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.RegisteredHost;
import io.berth.inventory.domain.RegistrationTokens;
import io.berth.inventory.domain.Rejection;
import io.berth.inventory.domain.RequestBodies;
import io.berth.inventory.domain.TopicRecords;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The inventory-service: the admin and agent API of DESIGN.md section 4 over the {@link Inventory}.
 *
 * <p>On start it replays {@code berth.config} and {@code berth.host-health} into the inventory; the API
 * answers 503 until then. The inventory is the only writer of those two topics, so once caught up it stops
 * reading them and its state is authoritative. It keeps reading {@code berth.sessions} (live session counts)
 * and, in the group {@value #ALLOCATIONS_GROUP}, {@code berth.allocations} (automatic personal assignments).
 * Every change is published and acknowledged before it is applied and answered.
 */
public final class InventoryVerticle extends BerthVerticle {

    static final String ALLOCATIONS_GROUP = "berth-inventory-service";
    private static final Logger LOG = LoggerFactory.getLogger(InventoryVerticle.class);
    private static final Duration AGENT_TOKEN_TTL = Duration.ofDays(365);
    private static final long CLOCK_PERIOD_MS = 1_000;
    private static final long ALLOCATION_RETRY_MS = 2_000;
    private static final int STARTING_RETRY_AFTER_SECONDS = 2;

    private final Clock clock;
    private final Inventory inventory = new Inventory();
    private final RegistrationTokens registrationTokens = new RegistrationTokens();
    private final ChangeSequencer sequencer = new ChangeSequencer();
    private InventoryMetrics metrics;
    private EventProducer events;
    private ChangePublisher publisher;
    private TokenIssuer agentTokens;
    private TopicReader stateReader;
    private TopicReader sessionReader;
    private TopicReader allocationReader;
    private volatile boolean stateRebuilt;
    private volatile boolean stopping;
    private boolean clockTickQueued;
    private long clockTimer = -1;

    public InventoryVerticle(ServiceContext context) {
        this(context, Clock.systemUTC());
    }

    InventoryVerticle(ServiceContext context, Clock clock) {
        super(context);
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        metrics = new InventoryMetrics(registry(), inventory);
        if (serviceConfig().auth().canIssueTokens()) {
            agentTokens = new TokenIssuer(vertx, serviceConfig().auth());
        } else {
            LOG.warn("No HS256 secret: agent registration is disabled (set BERTH_JWT_SECRET)");
        }
        readiness().require("berth.config and berth.host-health replayed", () -> stateRebuilt);
        readiness().require("berth.sessions caught up", () -> sessionReader != null && sessionReader.isCaughtUp());
        readiness().require("berth.allocations caught up",
                () -> allocationReader != null && allocationReader.isCaughtUp());
        return blocking(() -> EventProducer.create(vertx, serviceConfig().kafka(), "berth-inventory", registry(),
                KafkaClients.offConnectPathProducer()))
                .compose(producer -> {
                    events = producer;
                    publisher = new ChangePublisher(events, inventory, metrics::syncPools);
                    startReaders();
                    return listen(routes());
                });
    }

    // ---------------------------------------------------------------- Kafka

    private void startReaders() {
        stateReader = TopicReader.replay(vertx, serviceConfig().kafka(), "berth-inventory-state",
                        Topics.CONFIG, Topics.HOST_HEALTH)
                .metrics(registry())
                .handler(this::replayState)
                .start();
        sessionReader = TopicReader.replay(vertx, serviceConfig().kafka(), "berth-inventory-sessions", Topics.SESSIONS)
                .metrics(registry())
                .handler(this::onSessions)
                .start();
        stateReader.caughtUp().onSuccess(v -> onStateRebuilt())
                .onFailure(e -> LOG.error("Could not replay berth.config and berth.host-health", e));
    }

    private Future<?> replayState(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (Topics.CONFIG.equals(record.topic())) {
                    TopicRecords.fromConfig(record.key(), record.value()).ifPresent(inventory::apply);
                } else {
                    inventory.apply(TopicRecords.fromHostHealth(record.key(), record.value()));
                }
            } catch (MalformedEventException | RuntimeException e) {
                LOG.warn("Skipping malformed record {} at {}-{}@{}: {}", record.key(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
        }
        return null;
    }

    private void onStateRebuilt() {
        if (stopping) {
            return;
        }
        inventory.startMonitoring(clock.instant());
        metrics.syncPools();
        stateRebuilt = true;
        LOG.info("Inventory rebuilt: {} pool(s), {} application group(s)", inventory.pools().size(),
                inventory.appGroups().size());
        // This service is the only writer of both topics: from now on its own state is the newest.
        TopicReader replayed = stateReader;
        stateReader = null;
        blocking(() -> {
            replayed.close();
            return null;
        });
        clockTimer = vertx.setPeriodic(CLOCK_PERIOD_MS, id -> onClockTick());
        allocationReader = TopicReader.group(vertx, serviceConfig().kafka(), "berth-inventory-allocations",
                        ALLOCATIONS_GROUP, Topics.ALLOCATIONS)
                .metrics(registry())
                .handler(this::onAllocations)
                .start();
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
                LOG.warn("Skipping malformed session record {}: {}", record.key(), e.getMessage());
            }
        }
        return null;
    }

    /** Automatic personal assignments; a batch is done (and committed) only once its assignments are stored. */
    private Future<?> onAllocations(List<ConsumerRecord<String, byte[]>> records) {
        Future<Void> done = Future.succeededFuture();
        for (ConsumerRecord<String, byte[]> record : records) {
            AllocationEvent allocation;
            try {
                allocation = EventCodec.decode(record.value(), AllocationEvent.class);
            } catch (MalformedEventException e) {
                LOG.warn("Skipping malformed allocation record {}: {}", record.key(), e.getMessage());
                continue;
            }
            done = done.compose(v -> untilStored(() -> inventory.onAllocation(allocation).isEmpty()
                    ? Future.succeededFuture()
                    : sequencer.exclusive(() -> publisher.publishAndApply(inventory.onAllocation(allocation)))));
        }
        return done;
    }

    /** Retries {@code attempt} while Kafka refuses, so that no assignment is skipped. */
    private Future<Void> untilStored(Supplier<Future<Void>> attempt) {
        Promise<Void> result = Promise.promise();
        attempt.get().onComplete(outcome -> {
            if (outcome.succeeded() || stopping) {
                result.complete();
            } else {
                LOG.warn("Could not store an assignment; retrying: {}", outcome.cause().getMessage());
                vertx.setTimer(ALLOCATION_RETRY_MS, id -> untilStored(attempt).onComplete(result));
            }
        });
        return result.future();
    }

    private void onClockTick() {
        if (clockTickQueued || inventory.onClock(clock.instant()).isEmpty()) {
            return;
        }
        clockTickQueued = true;
        sequencer.exclusive(() -> publisher.publishAndApply(inventory.onClock(clock.instant())))
                .onComplete(outcome -> clockTickQueued = false);
    }

    // ---------------------------------------------------------------- HTTP

    private Router routes() {
        Router router = apiRouter();
        JwtAuthentication jwt = jwt();
        Handler<RoutingContext> admin = jwt.require(Role.ADMIN);
        router.route("/api/v1/*").handler(this::requireRebuiltState);

        router.get("/api/v1/hostpools").handler(admin).handler(ctx -> read(ctx, inventory::pools));
        router.get("/api/v1/hostpools/:poolId").handler(admin)
                .handler(ctx -> read(ctx, () -> inventory.poolView(ctx.pathParam("poolId"))));
        router.put("/api/v1/hostpools/:poolId").handler(admin).handler(ctx -> change(ctx, 200, () -> {
            var pool = RequestBodies.pool(ctx.pathParam("poolId"), body(ctx));
            return sequencer.exclusive(() -> commit(inventory.putPool(pool)));
        }));
        router.delete("/api/v1/hostpools/:poolId").handler(admin).handler(ctx -> change(ctx, 204,
                () -> sequencer.exclusive(() -> commit(inventory.deletePool(ctx.pathParam("poolId"))))));
        router.post("/api/v1/hostpools/:poolId/registration-tokens").handler(admin).handler(ctx -> change(ctx, 201, () -> {
            var request = RequestBodies.registrationToken(body(ctx));
            String token = registrationTokens.newToken();
            return sequencer.exclusive(() -> commit(inventory.createRegistrationToken(ctx.pathParam("poolId"), token,
                    request, clock.instant())));
        }));
        router.get("/api/v1/hostpools/:poolId/hosts").handler(admin)
                .handler(ctx -> read(ctx, () -> inventory.hostsOf(ctx.pathParam("poolId"))));

        router.get("/api/v1/hosts/:hostId").handler(admin).handler(ctx -> read(ctx, () -> inventory
                .host(ctx.pathParam("hostId"))
                .orElseThrow(() -> Rejection.notFound("host '" + ctx.pathParam("hostId") + "' does not exist"))));
        router.patch("/api/v1/hosts/:hostId").handler(admin).handler(ctx -> change(ctx, 200, () -> {
            HostPatch patch = RequestBodies.hostPatch(body(ctx));
            return sequencer.exclusive(() -> commit(inventory.patchHost(ctx.pathParam("hostId"), patch)));
        }));
        router.delete("/api/v1/hosts/:hostId").handler(admin).handler(ctx -> change(ctx, 204,
                () -> sequencer.exclusive(() -> commit(inventory.removeHost(ctx.pathParam("hostId"))))));

        router.get("/api/v1/appgroups").handler(admin).handler(ctx -> read(ctx, inventory::appGroups));
        router.get("/api/v1/appgroups/:appGroupId").handler(admin)
                .handler(ctx -> read(ctx, () -> inventory.appGroupView(ctx.pathParam("appGroupId"))));
        router.put("/api/v1/appgroups/:appGroupId").handler(admin).handler(ctx -> change(ctx, 200, () -> {
            var group = RequestBodies.appGroup(ctx.pathParam("appGroupId"), body(ctx));
            return sequencer.exclusive(() -> commit(inventory.putAppGroup(group)));
        }));
        router.delete("/api/v1/appgroups/:appGroupId").handler(admin).handler(ctx -> change(ctx, 204,
                () -> sequencer.exclusive(() -> commit(inventory.deleteAppGroup(ctx.pathParam("appGroupId"))))));

        router.post("/api/v1/agent/register").handler(this::register);
        router.post("/api/v1/agent/heartbeat").handler(jwt.require(Role.AGENT)).handler(this::heartbeat);
        return router;
    }

    private void requireRebuiltState(RoutingContext ctx) {
        if (stateRebuilt) {
            ctx.next();
        } else {
            ctx.fail(ProblemException.unavailable("the inventory is still rebuilding its state from Kafka",
                    STARTING_RETRY_AFTER_SECONDS));
        }
    }

    private void register(RoutingContext ctx) {
        change(ctx, 201, () -> {
            if (agentTokens == null) {
                throw ProblemException.unavailable("agent registration needs BERTH_JWT_SECRET on this service", 60);
            }
            AgentRegistration request = RequestBodies.agentRegistration(body(ctx));
            String agentTokenId = UUID.randomUUID().toString();
            return presentedAgentToken(ctx).compose(presented -> sequencer.exclusive(() -> commit(
                            inventory.register(request, presented, agentTokenId, clock.instant()))))
                    .map(this::registrationAnswer);
        }).onComplete(outcome -> metrics.registration(outcome.succeeded()));
    }

    /**
     * The agent token a registration carries, if any: only a host's own current agent token lets it register
     * again. A bearer token that does not verify is a 401; a valid one without the agent role counts as none.
     */
    private Future<Optional<AgentCredential>> presentedAgentToken(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Future.succeededFuture(Optional.empty());
        }
        return jwt().authenticate(header.substring(7).trim()).map(principal -> principal.roles().contains(Role.AGENT)
                ? Optional.of(new AgentCredential(principal.subject(), principal.tokenId()))
                : Optional.empty());
    }

    private Map<String, Object> registrationAnswer(RegisteredHost host) {
        String agentToken = agentTokens.issue(host.hostId(), List.of(Role.AGENT), AGENT_TOKEN_TTL,
                Map.of("jti", host.agentTokenId()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("hostId", host.hostId());
        answer.put("poolId", host.poolId());
        answer.put("agentToken", agentToken);
        answer.put("heartbeatSeconds", host.heartbeatSeconds());
        return answer;
    }

    private void heartbeat(RoutingContext ctx) {
        Principal agent = Principal.of(ctx);
        change(ctx, 200, () -> {
            Heartbeat heartbeat = RequestBodies.heartbeat(body(ctx));
            return sequencer.keyed("host/" + heartbeat.hostId(), () -> commit(inventory.heartbeat(agent.subject(),
                    agent.tokenId(), heartbeat, clock.instant())))
                    .map(next -> Map.of("nextHeartbeatSeconds", next));
        }).onSuccess(answer -> metrics.heartbeatAccepted());
    }

    /** Publishes a decision's changes; applies them and yields its answer once Kafka acknowledged them. */
    private <T> Future<T> commit(Decision<T> decision) {
        if (decision.changes().isEmpty()) {
            return Future.succeededFuture(decision.answer());
        }
        return publisher.publishAndApply(decision.changes()).map(v -> decision.answer());
    }

    private void read(RoutingContext ctx, Supplier<Object> query) {
        change(ctx, 200, () -> Future.succeededFuture(query.get()));
    }

    /** Runs an action and answers its result as JSON (or an empty 204), or its failure as a problem. */
    private Future<Object> change(RoutingContext ctx, int status, Supplier<Future<?>> action) {
        Future<?> result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.map(answer -> (Object) answer)
                .onSuccess(answer -> {
                    if (status == 204) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        JsonAnswers.send(ctx, status, answer);
                    }
                })
                .onFailure(failure -> ctx.fail(asProblem(failure)));
    }

    private static Throwable asProblem(Throwable failure) {
        if (failure instanceof Rejection rejection) {
            return new ProblemException(rejection.reason().status(), rejection.reason().title(), rejection.detail());
        }
        return failure;
    }

    /** The request body as plain JSON values for {@link RequestBodies}; 400 for no body, no JSON or no object. */
    private static Object body(RoutingContext ctx) {
        return JsonBodies.object(ctx).getMap();
    }


    // ---------------------------------------------------------------- stop

    @Override
    public Future<?> stop() throws Exception {
        stopping = true;
        if (clockTimer >= 0) {
            vertx.cancelTimer(clockTimer);
        }
        return super.stop().compose(v -> blocking(() -> {
            for (AutoCloseable closeable : new AutoCloseable[]{allocationReader, sessionReader, stateReader,
                    events}) {
                if (closeable != null) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LOG.debug("Closing {} failed", closeable, e);
                    }
                }
            }
            return null;
        }));
    }
}
