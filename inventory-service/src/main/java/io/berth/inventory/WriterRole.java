package io.berth.inventory;

import io.berth.common.config.KafkaConfig;
import io.berth.common.http.ProblemException;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.Shutdown;
import io.berth.inventory.FencedChangeLog.Commit;
import io.berth.inventory.api.InventoryWrites;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This instance's part in the one-writer scheme (DESIGN.md 7.1). Elected by {@link WriterElection}, it fences
 * its predecessor ({@link FencedChangeLog}), reads the state topics to their end, advertises its URL
 * ({@link WriterAdvert}) and only then takes writes: decided one at a time by the {@link ChangeSequencer},
 * committed to Kafka before they are applied and answered. It then also runs the staleness timer and reads
 * {@code berth.allocations} and {@code berth.host-commands} ({@link WriterFeeds}). Any other instance forwards writes to the advertised
 * writer ({@link WriteForwarder}), or answers 503 while none is known.
 */
final class WriterRole implements InventoryWrites {

    private static final Logger LOG = LoggerFactory.getLogger(WriterRole.class);
    private static final long CLAIM_RETRY_MS = 2_000;
    private static final int STARTING_RETRY_AFTER_SECONDS = 2;
    /**
     * How long a heartbeat's changes wait for other hosts' to share one transaction. Agents heartbeat every
     * 30 s by default; 100 ms on their answer cuts a thousand hosts' ~33 transactions a second to under 10.
     */
    static final Duration HEARTBEAT_GATHERING_WINDOW = Duration.ofMillis(100);
    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    /** What this instance does with writes. */
    private enum State {
        /** Forwards them to the advertised writer; applies what it reads from the topics. */
        FOLLOWER,
        /** Holds the writer partition and is fencing and catching up: answers 503 meanwhile. */
        CLAIMING,
        /** Decides, publishes and applies them; ignores its own records on the topics. */
        WRITER
    }

    /** Where this instance's Kafka clients connect and report, and how they are named. */
    record InstanceClients(Vertx vertx, KafkaConfig config, MeterRegistry registry, String instanceId) {
        String clientId(String purpose) {
            return "berth-inventory-" + purpose + "-" + instanceId;
        }
    }

    private final InstanceClients kafka;
    private final Inventory inventory;
    private final StateFeed feed;
    private final InventoryMetrics metrics;
    private final FencedChangeLog changeLog;
    private final ChangePublisher publisher;
    private final WriteForwarder forwarder;
    private final Clock clock;
    /** Where other instances reach this one; null until it listens. */
    private volatile String advertisedUrl;
    private final ChangeSequencer sequencer = new ChangeSequencer();
    private final Shutdown shutdown;
    private volatile State state = State.FOLLOWER;
    /** Bumped whenever the role is gained or lost, so that a late step of an old claim does nothing. */
    private long electionTerm;
    private boolean stopping;
    private boolean clockTickQueued;
    private final WriterFeeds writerFeeds;

    /** @param shutdown where this role registers what it opens, to be closed when the verticle stops */
    WriterRole(InstanceClients kafka, Inventory inventory, StateFeed feed, InventoryMetrics metrics, Clock clock,
               Shutdown shutdown) {
        this.kafka = kafka;
        this.inventory = inventory;
        this.feed = feed;
        this.metrics = metrics;
        this.clock = clock;
        this.shutdown = shutdown;
        forwarder = shutdown.close("the write forwarder", new WriteForwarder(kafka.vertx()));
        changeLog = shutdown.close("the writer's producer", new FencedChangeLog(kafka.vertx(), kafka.config(),
                kafka.clientId("writer"), kafka.registry(), HEARTBEAT_GATHERING_WINDOW));
        publisher = new ChangePublisher(changeLog, inventory, metrics::syncPools, this::onPublishFailed);
        writerFeeds = shutdown.close("the allocations and host commands readers",
                new WriterFeeds(kafka, inventory, clock));
    }

    boolean isWriter() {
        return state == State.WRITER;
    }

    /** Whether writes have somewhere to go: this instance, or another one to forward them to. */
    boolean knowsAWriter() {
        String writer = feed.writerUrl();
        return state == State.WRITER || state == State.FOLLOWER && writer != null && !writer.equals(advertisedUrl);
    }

    /** Whether the writer's allocations reader has caught up (true on other instances). */
    boolean allocationsCaughtUp() {
        return state != State.WRITER || writerFeeds.allocationsCaughtUp();
    }

    /** Whether the writer's host commands reader has caught up (true on other instances). */
    boolean commandsCaughtUp() {
        return state != State.WRITER || writerFeeds.commandsCaughtUp();
    }

    /**
     * Joins the election, advertising {@code url} when elected; call once the state topics are replayed. At
     * shutdown the writer first withdraws its advert (a tombstone), so that other instances stop forwarding
     * here, and only then leaves the election, so that another instance takes over at once rather than after
     * the session timeout, and its advert is never followed by this one's tombstone.
     */
    void join(String url, Duration failover) {
        advertisedUrl = url;
        if (stopping) {
            return;
        }
        shutdown.close("the writer election", WriterElection.join(kafka.vertx(), kafka.config(),
                kafka.clientId("election"), kafka.registry(), failover, this::onElected, this::onDeposed));
        shutdown.then("the writer's advert", this::withdraw);
    }

    /**
     * The gate in front of the API: 503 until the state is rebuilt; writes pass on the writer, are forwarded
     * to the writer elsewhere, and are 503 while no writer is known.
     */
    void admit(RoutingContext ctx) {
        if (!feed.isRebuilt()) {
            ctx.fail(ProblemException.unavailable("the inventory is still rebuilding its state from Kafka",
                    STARTING_RETRY_AFTER_SECONDS));
            return;
        }
        if (!WRITES.contains(ctx.request().method()) || state == State.WRITER) {
            ctx.next();
            return;
        }
        String writer = feed.writerUrl();
        if (state == State.CLAIMING) {
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

    @Override
    public <T> Future<InventoryOutcome<T>> exclusive(Supplier<InventoryOutcome<T>> decide) {
        Future<InventoryOutcome<T>> done = sequencer.exclusive(() -> commit(decide.get(), Commit.AT_ONCE));
        // It waits for every heartbeat in progress: those gathering for a shared transaction commit now.
        changeLog.commitGatheredNow();
        return done;
    }

    /** A host's heartbeat: its changes share a transaction with other hosts' heartbeats of the next moment. */
    @Override
    public <T> Future<InventoryOutcome<T>> perHost(String hostId, Supplier<InventoryOutcome<T>> decide) {
        return sequencer.keyed("host/" + hostId, () -> commit(decide.get(), Commit.GATHERED));
    }

    /** Publishes an accepted decision's changes and applies them once Kafka acknowledged them. */
    private <T> Future<InventoryOutcome<T>> commit(InventoryOutcome<T> outcome, Commit commit) {
        if (outcome instanceof Decision<T> decision && !decision.changes().isEmpty()) {
            return publisher.publishAndApply(decision.changes(), commit).map(v -> outcome);
        }
        return Future.succeededFuture(outcome);
    }

    /** The staleness timer's tick: the writer publishes what the clock changed. */
    void onClockTick() {
        if (state != State.WRITER || clockTickQueued || inventory.onClock(clock.instant()).isEmpty()) {
            return;
        }
        clockTickQueued = true;
        exclusive(() -> new Decision<Void>(inventory.onClock(clock.instant()), null))
                .onComplete(outcome -> clockTickQueued = false);
    }

    private void onElected() {
        long term = ++electionTerm;
        state = State.CLAIMING;
        LOG.info("Elected inventory writer (instance {}); fencing the previous writer", kafka.instanceId());
        claim(term);
    }

    /** Fences the previous writer, reads both topics to their end, advertises this instance, then writes. */
    private void claim(long term) {
        if (term != electionTerm || stopping) {
            return;
        }
        changeLog.fence()
                .compose(v -> feed.readToEnd())
                .compose(v -> term == electionTerm ? advertise() : Future.failedFuture("deposed while claiming"))
                .onComplete(outcome -> {
                    if (term != electionTerm || stopping) {
                        return;
                    }
                    if (outcome.succeeded()) {
                        becomeWriter();
                    } else {
                        LOG.warn("Could not take the writer role yet, retrying: {}", outcome.cause().toString());
                        kafka.vertx().setTimer(CLAIM_RETRY_MS, id -> claim(term));
                    }
                });
    }

    private Future<Void> advertise() {
        WriterAdvert advert = new WriterAdvert(1, advertisedUrl, clock.instant());
        return changeLog.publish(List.of(new ProducerRecord<>(Topics.CONFIG, WriterAdvert.KEY, advert.encode())),
                Commit.AT_ONCE);
    }

    private void becomeWriter() {
        state = State.WRITER;
        // Silence is counted from now at the earliest: heartbeats the last writer took but did not publish
        // (throttled) are not held against a host.
        inventory.startMonitoring(clock.instant());
        metrics.syncPools();
        LOG.info("This instance ({}, {}) is the inventory writer", kafka.instanceId(), advertisedUrl);
        writerFeeds.start(this);
    }

    /** The writer partition moved elsewhere (or this instance left the group): stop writing at once. */
    private void onDeposed() {
        electionTerm++;
        if (state == State.FOLLOWER) {
            return;
        }
        LOG.info("No longer the inventory writer (instance {})", kafka.instanceId());
        state = State.FOLLOWER;
        changeLog.release();
        writerFeeds.stop();
    }

    /**
     * A publish failed. Whether Kafka is away, the outcome is unknown or another instance fenced this one,
     * the state may now differ from Kafka's: stop writing, and claim again (fence, re-read) while this
     * instance still holds the writer partition.
     */
    private void onPublishFailed(Throwable cause) {
        if (state != State.WRITER) {
            return;
        }
        LOG.warn("The writer's publish failed ({}); fencing and re-reading before writing again", cause.toString());
        long term = ++electionTerm;
        state = State.CLAIMING;
        // A fenced writer waits a little longer, so that its group membership learns it was replaced.
        long delay = cause instanceof ProducerFencedException ? 3 * CLAIM_RETRY_MS : CLAIM_RETRY_MS;
        kafka.vertx().setTimer(delay, id -> claim(term));
    }

    /** Stops claiming the role: a claim under way does nothing more. */
    void stop() {
        stopping = true;
        electionTerm++;
    }

    private Future<Void> withdraw() {
        return state == State.WRITER
                ? changeLog.publish(List.of(new ProducerRecord<String, byte[]>(Topics.CONFIG, WriterAdvert.KEY, null)),
                        Commit.AT_ONCE)
                : Future.succeededFuture();
    }
}
