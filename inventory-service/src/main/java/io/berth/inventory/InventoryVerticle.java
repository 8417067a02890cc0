package io.berth.inventory;

import io.berth.common.auth.TokenIssuer;
import io.berth.common.http.ApiContract;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.berth.inventory.api.InventoryApi;
import io.berth.inventory.domain.Inventory;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The inventory-service: the {@link InventoryApi} over the {@link Inventory}, rebuilt and kept current by the
 * {@link StateFeed}, written through the {@link WriterRole}, run as N instances (DESIGN.md 7.1). The API answers
 * 503 until the first replay is done; only the writer runs the staleness timer.
 */
public final class InventoryVerticle extends BerthVerticle {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryVerticle.class);
    private static final long CLOCK_PERIOD_MS = 1_000;

    private final Clock clock;
    private final InventorySettings settings;
    private final Inventory inventory = new Inventory();
    private InventoryMetrics metrics;
    private StateFeed feed;
    private WriterRole writer;
    private LiveScaler scaler;
    private volatile boolean stopping;
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
        metrics = new InventoryMetrics(registry(), inventory, () -> writer != null && writer.isWriter());
        Optional<TokenIssuer> agentTokens = agentTokenIssuer();
        readiness().require("berth.config and berth.host-health replayed", () -> feed != null && feed.isRebuilt());
        readiness().require("an inventory writer is known (this instance, or one to forward writes to)",
                () -> writer != null && writer.knowsAWriter());
        readiness().require("berth.sessions caught up", () -> feed != null && feed.sessionsCaughtUp());
        readiness().require("berth.allocations caught up (writer only)",
                () -> writer != null && writer.allocationsCaughtUp());
        readiness().require("berth.host-commands caught up (writer only)",
                () -> writer != null && writer.commandsCaughtUp());
        WriterRole.InstanceClients kafka = new WriterRole.InstanceClients(vertx, serviceConfig().kafka(), registry(),
                UUID.randomUUID().toString().substring(0, 8));
        return blocking(() -> {
            WriterElection.ensureTopic(serviceConfig().kafka(), Duration.ofSeconds(30));
            return ApiContract.load(vertx, InventoryApi.CONTRACT);
        }).compose(contract -> {
            feed = shutdown().close("the state and sessions readers", new StateFeed(vertx, kafka.config(), registry(),
                    kafka::clientId, inventory, metrics, () -> writer != null && writer.isWriter()));
            writer = new WriterRole(kafka, inventory, feed, metrics, clock, shutdown());
            scaler = new LiveScaler(vertx, inventory, writer, writer::isWriter, new ScalingMetrics(registry()), clock);
            feed.rebuilt().onSuccess(rebuilt -> {
                if (!stopping) {
                    clockTimer = vertx.setPeriodic(CLOCK_PERIOD_MS, id -> onClockTick());
                    scaler.start(settings.scalerInterval());
                }
            });
            return listen(routes(contract, agentTokens));
        }).onSuccess(server -> {
            String advertisedUrl = settings.advertisedUrl(serviceConfig().http().host(), httpPort());
            feed.rebuilt().onSuccess(v -> writer.join(advertisedUrl, settings.writerFailover()));
        });
    }

    /** Agent tokens are signed with the HS256 secret; without one, registration answers 503. */
    private Optional<TokenIssuer> agentTokenIssuer() {
        if (serviceConfig().auth().canIssueTokens()) {
            return Optional.of(new TokenIssuer(vertx, serviceConfig().auth()));
        }
        LOG.warn("No HS256 secret: agent registration is disabled (set BERTH_JWT_SECRET)");
        return Optional.empty();
    }

    private Router routes(ApiContract contract, Optional<TokenIssuer> agentTokens) {
        Router router = apiRouter(contract);
        new InventoryApi(inventory, writer, jwt(), agentTokens, metrics, clock).mount(router, writer::admit);
        return router;
    }

    private void onClockTick() {
        metrics.refreshCapacity();
        writer.onClockTick();
    }

    /**
     * Stops the clock and the writer's claims; then the server closes, the writer withdraws its advert and
     * leaves the election (see {@link WriterRole#join}), and the readers close.
     */
    @Override
    public Future<?> stop() throws Exception {
        stopping = true;
        if (clockTimer >= 0) {
            vertx.cancelTimer(clockTimer);
        }
        if (scaler != null) {
            scaler.stop();
        }
        if (writer != null) {
            writer.stop();
        }
        return super.stop();
    }
}
