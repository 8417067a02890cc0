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
import io.berth.common.kafka.FailurePolicy;
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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The inventory-service: the admin and agent API of DESIGN.md section 4 over the {@link Inventory}, run as
 * N instances (DESIGN.md 7.1).
 *
 * <p>Every instance replays {@code berth.config} and {@code berth.host-health} (read_committed) and keeps
 * following them, so any instance answers reads from its own state; the API answers 503 until the first
 * replay is done. One instance at a time is the <em>writer</em>, elected by {@link WriterElection}: it fences
 * its predecessor ({@link FencedChangeLog}), reads both topics to their end, advertises its URL
 * ({@link WriterAdvert}) and only then takes writes; every change is committed to Kafka before it is applied
 * and answered. The other instances forward writes to it ({@link WriteForwarder}) and answer 503 while no
 * writer is known. Only the writer runs the staleness timer and reads {@code berth.allocations} (group
 * {@value #ALLOCATIONS_GROUP}, automatic personal assignments). Every instance reads {@code berth.sessions}.
 */
public final class InventoryVerticle extends BerthVerticle {

    static final String ALLOCATIONS_GROUP = "berth-inventory-service";
    private static final Logger LOG = LoggerFactory.getLogger(InventoryVerticle.class);
    private static final Duration AGENT_TOKEN_TTL = Duration.ofDays(365);
    private static final long CLOCK_PERIOD_MS = 1_000;
    private static final long ALLOCATION_RETRY_MS = 2_000;
    private static final long CLAIM_RETRY_MS = 2_000;
    private static final int STARTING_RETRY_AFTER_SECONDS = 2;
    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    /** What this instance does with writes. */
    private enum WriterRole {
        /** Forwards them to the advertised writer; applies what it reads from the topics. */
        FOLLOWER,
        /** Holds the writer partition and is fencing and catching up: answers 503 meanwhile. */
        CLAIMING,
        /** Decides, publishes and applies them; ignores its own records on the topics. */
        WRITER
    }

    private final Clock clock;
    private final InventorySettings settings;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private final Inventory inventory = new Inventory();
    private final RegistrationTokens registrationTokens = new RegistrationTokens();
    private final ChangeSequencer sequencer = new ChangeSequencer();
    private InventoryMetrics metrics;
    private FencedChangeLog changeLog;
    private ChangePublisher publisher;
    private WriteForwarder forwarder;
    private WriterElection election;
    private TokenIssuer agentTokens;
    private TopicReader stateReader;
    private TopicReader sessionReader;
    private TopicReader allocationReader;
    private Promise<Void> allocationsStopped = Promise.promise();
    private volatile boolean stateRebuilt;
    private volatile boolean stopping;
    private volatile WriterRole role = WriterRole.FOLLOWER;
    /** Bumped whenever the role is gained or lost, so that a late step of an old claim does nothing. */
    private long electionTerm;
    private String advertisedUrl;
    private volatile String writerUrl;
    private boolean clockTickQueued;
    private long clockTimer = -1;

    public InventoryVerticle(ServiceContext context) {
        this(context, InventorySettings.DEFAULTS);
    }

    public InventoryVerticle(ServiceContext context, InventorySettings settings) {
        this(context, settings, Clock.systemUTC());
    }

    InventoryVerticle(ServiceContext context, Clock clock) {
        this(context, InventorySettings.DEFAULTS, clock);
    }

    InventoryVerticle(ServiceContext context, InventorySettings settings, Clock clock) {
        super(context);
        this.settings = settings;
        this.clock = clock;
    }

    /** The factory for {@code ServiceRuntime.start} and {@code ServiceMain.run}, with the inventory's settings. */
    public static Function<ServiceContext, BerthVerticle> factory(InventorySettings settings) {
        return context -> new InventoryVerticle(context, settings);
    }

    @Override
    public Future<?> start() {
        metrics = new InventoryMetrics(registry(), inventory, () -> role == WriterRole.WRITER);
        if (serviceConfig().auth().canIssueTokens()) {
            agentTokens = new TokenIssuer(vertx, serviceConfig().auth());
        } else {
            LOG.warn("No HS256 secret: agent registration is disabled (set BERTH_JWT_SECRET)");
        }
        readiness().require("berth.config and berth.host-health replayed", () -> stateRebuilt);
        readiness().require("an inventory writer is known (this instance, or one to forward writes to)",
                () -> role == WriterRole.WRITER || role == WriterRole.FOLLOWER && writerUrl != null
                        && !writerUrl.equals(advertisedUrl));
        readiness().require("berth.sessions caught up", () -> sessionReader != null && sessionReader.isCaughtUp());
        readiness().require("berth.allocations caught up (writer only)", () -> role != WriterRole.WRITER
                || allocationReader != null && allocationReader.isCaughtUp());
        return blocking(() -> {
            WriterElection.ensureTopic(serviceConfig().kafka(), Duration.ofSeconds(30));
            return null;
        }).compose(v -> {
            changeLog = new FencedChangeLog(vertx, serviceConfig().kafka(), clientId("writer"), registry());
            publisher = new ChangePublisher(changeLog, inventory, metrics::syncPools, this::onPublishFailed);
            forwarder = new WriteForwarder(vertx);
            startReaders();
            return listen(routes());
        }).onSuccess(server -> {
            advertisedUrl = settings.advertisedUrl(serviceConfig().http().host(), httpPort());
            stateReader.caughtUp().onSuccess(v -> joinElection());
        });
    }

    private String clientId(String purpose) {
        return "berth-inventory-" + purpose + "-" + instanceId;
    }

    // ---------------------------------------------------------------- Kafka: state

    private void startReaders() {
        stateReader = TopicReader.replay(vertx, serviceConfig().kafka(), clientId("state"),
                        Topics.CONFIG, Topics.HOST_HEALTH)
                .metrics(registry())
                .handler(this::onStateRecords)
                .start();
        sessionReader = TopicReader.replay(vertx, serviceConfig().kafka(), clientId("sessions"), Topics.SESSIONS)
                .metrics(registry())
                .handler(this::onSessions)
                .start();
        stateReader.caughtUp().onSuccess(v -> onStateRebuilt())
                .onFailure(e -> LOG.error("Could not replay berth.config and berth.host-health", e));
    }

    /**
     * Records of berth.config and berth.host-health. The writer's own state is the newest, so it skips them
     * (they are its own); every other instance applies them through the same {@code apply} as the writer.
     */
    private Future<?> onStateRecords(List<ConsumerRecord<String, byte[]>> records) {
        boolean follows = role != WriterRole.WRITER;
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
                LOG.warn("Skipping malformed record {} at {}-{}@{}: {}", record.key(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
        }
        if (follows && stateRebuilt) {
            metrics.syncPools();
        }
        return null;
    }

    private void onStateRebuilt() {
        if (stopping) {
            return;
        }
        metrics.syncPools();
        stateRebuilt = true;
        clockTimer = vertx.setPeriodic(CLOCK_PERIOD_MS, id -> onClockTick());
        LOG.info("Inventory rebuilt: {} pool(s), {} application group(s)", inventory.pools().size(),
                inventory.appGroups().size());
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

    // ---------------------------------------------------------------- Kafka: the writer role

    private void joinElection() {
        if (stopping) {
            return;
        }
        election = WriterElection.join(vertx, serviceConfig().kafka(), clientId("election"), registry(),
                settings.writerFailover(), this::onElected, this::onDeposed);
    }

    private void onElected() {
        long term = ++electionTerm;
        role = WriterRole.CLAIMING;
        LOG.info("Elected inventory writer (instance {}); fencing the previous writer", instanceId);
        claim(term);
    }

    /** Fences the previous writer, reads both topics to their end, advertises this instance, then writes. */
    private void claim(long term) {
        if (term != electionTerm || stopping) {
            return;
        }
        changeLog.fence()
                .compose(v -> stateReader.readToEnd())
                .compose(v -> term == electionTerm ? advertise() : Future.failedFuture("deposed while claiming"))
                .onComplete(outcome -> {
                    if (term != electionTerm || stopping) {
                        return;
                    }
                    if (outcome.succeeded()) {
                        becomeWriter();
                    } else {
                        LOG.warn("Could not take the writer role yet, retrying: {}", outcome.cause().toString());
                        vertx.setTimer(CLAIM_RETRY_MS, id -> claim(term));
                    }
                });
    }

    private Future<Void> advertise() {
        WriterAdvert advert = new WriterAdvert(1, advertisedUrl, clock.instant());
        return changeLog.publish(List.of(new ProducerRecord<>(Topics.CONFIG, WriterAdvert.KEY, advert.encode())));
    }

    private void becomeWriter() {
        role = WriterRole.WRITER;
        writerUrl = advertisedUrl;
        // Silence is counted from now at the earliest: heartbeats the last writer took but did not publish
        // (throttled) are not held against a host.
        inventory.startMonitoring(clock.instant());
        metrics.syncPools();
        LOG.info("This instance ({}, {}) is the inventory writer", instanceId, advertisedUrl);
        if (allocationReader == null) {
            allocationsStopped = Promise.promise();
            allocationReader = TopicReader.group(vertx, serviceConfig().kafka(), clientId("allocations"),
                            ALLOCATIONS_GROUP, Topics.ALLOCATIONS)
                    .metrics(registry())
                    .failurePolicy(FailurePolicy.RETRY_BATCH)
                    .handler(this::onAllocations)
                    .start();
        }
    }

    /** The writer partition moved elsewhere (or this instance left the group): stop writing at once. */
    private void onDeposed() {
        electionTerm++;
        if (role == WriterRole.FOLLOWER) {
            return;
        }
        LOG.info("No longer the inventory writer (instance {})", instanceId);
        role = WriterRole.FOLLOWER;
        changeLog.release();
        stopAllocations();
    }

    /**
     * A publish failed. Whether Kafka is away, the outcome is unknown or another instance fenced this one,
     * the state may now differ from Kafka's: stop writing, and claim again (fence, re-read) while this
     * instance still holds the writer partition.
     */
    private void onPublishFailed(Throwable cause) {
        if (role != WriterRole.WRITER) {
            return;
        }
        LOG.warn("The writer's publish failed ({}); fencing and re-reading before writing again", cause.toString());
        long term = ++electionTerm;
        role = WriterRole.CLAIMING;
        // A fenced writer waits a little longer, so that its group membership learns it was replaced.
        long delay = cause instanceof ProducerFencedException ? 3 * CLAIM_RETRY_MS : CLAIM_RETRY_MS;
        vertx.setTimer(delay, id -> claim(term));
    }

    private void stopAllocations() {
        TopicReader reader = allocationReader;
        allocationReader = null;
        if (reader == null) {
            return;
        }
        Promise<Void> stopped = allocationsStopped;
        blocking(() -> {
            reader.close();
            return null;
        }).onComplete(v -> stopped.tryComplete());
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

    /**
     * Retries {@code attempt} while Kafka refuses, so that no assignment is skipped. Once this instance is no
     * longer the writer it gives up, but only after its allocations reader has stopped: so the batch's offsets
     * are never committed and the next writer reads it again.
     */
    private Future<Void> untilStored(Supplier<Future<Void>> attempt) {
        Promise<Void> result = Promise.promise();
        attempt.get().onComplete(outcome -> {
            if (outcome.succeeded()) {
                result.complete();
            } else if (stopping || role == WriterRole.FOLLOWER) {
                allocationsStopped.future().onComplete(v -> result.complete());
            } else {
                LOG.warn("Could not store an assignment; retrying: {}", outcome.cause().getMessage());
                vertx.setTimer(ALLOCATION_RETRY_MS, id -> untilStored(attempt).onComplete(result));
            }
        });
        return result.future();
    }

    private void onClockTick() {
        metrics.refreshCapacity();
        if (role != WriterRole.WRITER || clockTickQueued || inventory.onClock(clock.instant()).isEmpty()) {
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
        router.route("/api/v1/*").handler(this::routeWrite);

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

    /** Writes are the writer's: another instance forwards them to it, or answers 503 while none is known. */
    private void routeWrite(RoutingContext ctx) {
        if (!WRITES.contains(ctx.request().method()) || role == WriterRole.WRITER) {
            ctx.next();
            return;
        }
        String writer = writerUrl;
        if (role == WriterRole.CLAIMING) {
            ctx.fail(ProblemException.unavailable("this inventory instance is (re)claiming the writer role: Kafka"
                    + " unavailable, or the role is changing hands; nothing has changed, retry",
                    ChangePublisher.WRITER_CHANGE_RETRY_AFTER_SECONDS));
        } else if (writer == null || writer.equals(advertisedUrl) || WriteForwarder.wasForwarded(ctx)) {
            ctx.fail(ProblemException.unavailable("no inventory writer is known right now (one takes over within"
                    + " seconds); retry", ChangePublisher.WRITER_CHANGE_RETRY_AFTER_SECONDS));
        } else {
            forwarder.forward(ctx, writer);
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
        electionTerm++;
        if (clockTimer >= 0) {
            vertx.cancelTimer(clockTimer);
        }
        // The writer withdraws its advert (a tombstone), so that other instances stop forwarding here; then it
        // leaves the election first, so that another instance takes over at once rather than after the
        // session timeout (it fences this one's producer anyway).
        Future<Void> withdrawn = role == WriterRole.WRITER
                ? changeLog.publish(List.of(new ProducerRecord<>(Topics.CONFIG, WriterAdvert.KEY, null)))
                : Future.succeededFuture();
        return super.stop().compose(v -> withdrawn.otherwiseEmpty()).compose(v -> blocking(() -> {
            for (AutoCloseable closeable : new AutoCloseable[]{election, allocationReader, sessionReader, stateReader,
                    changeLog, forwarder}) {
                if (closeable != null) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LOG.debug("Closing {} failed", closeable, e);
                    }
                }
            }
            return null;
        })).onComplete(v -> allocationsStopped.tryComplete());
    }
}
