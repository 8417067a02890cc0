package io.berth.deploy.loadgen;

import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.BerthEndpoints;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code java -jar berth-loadgen.jar [options]} (see {@link LoadGenOptions#USAGE}): sets up simulated pools
 * and hosts on a running Berth through its API, drives connects at a fixed rate, and reports throughput,
 * latency percentiles and outcomes, on the console and as JSON.
 */
public final class LoadGenerator {

    /** Above this share of failed answers a {@code --max} step does not count as held. */
    private static final double MAX_FAILURE_SHARE = 0.01;
    private static final int MAX_SEARCH_STEPS = 12;

    private final LoadGenOptions options;
    private final PrintStream out;
    private final Vertx vertx;
    private final Context driverContext;
    private final Context fleetContext;
    private final BerthApiClient driverApi;
    private final BerthApiClient fleetApi;
    private final String adminToken;
    private final String gatewayToken;
    private LoadFleet fleet;
    private PhaseDriver driver;

    LoadGenerator(LoadGenOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        // Two event loops: one sends connects on schedule, the other plays the agents (logons, logoffs,
        // heartbeats), so that the agents' traffic does not delay the connects it is measuring.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        this.driverContext = vertx.getOrCreateContext();
        this.fleetContext = vertx.getOrCreateContext();
        BerthEndpoints endpoints = new BerthEndpoints("127.0.0.1", options.brokerPort(), options.inventoryPort(),
                options.sessionPort());
        this.driverApi = new BerthApiClient(vertx, endpoints, options.connections());
        this.fleetApi = new BerthApiClient(vertx, endpoints, options.agentConnections());
        TokenIssuer issuer = options.adminToken().isPresent() && options.gatewayToken().isPresent() ? null
                : new TokenIssuer(vertx, AuthConfig.load(Env.system(), options.dataDir()));
        this.adminToken = options.adminToken().orElseGet(() -> issuer.issue("berth-loadgen", List.of(Role.ADMIN), Duration.ofHours(6)));
        this.gatewayToken = options.gatewayToken().orElseGet(() -> issuer.issue("berth-loadgen", List.of(Role.GATEWAY), Duration.ofHours(6)));
    }

    public static void main(String[] args) {
        LoadGenOptions options;
        try {
            options = LoadGenOptions.parse(args);
        } catch (LoadGenOptions.UsageException e) {
            System.err.println("berth-loadgen: " + e.getMessage());
            System.err.println();
            System.err.print(LoadGenOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LoadGenOptions.USAGE);
            return;
        }
        int exit;
        LoadGenerator generator = null;
        try {
            generator = new LoadGenerator(options, System.out);
            JsonObject summary = generator.runAll();
            Files.writeString(options.output(), summary.encodePrettily());
            System.out.println("Summary written to " + options.output().toAbsolutePath());
            exit = 0;
        } catch (ConfigException | IllegalStateException e) {
            System.err.println("berth-loadgen: " + e.getMessage());
            exit = 1;
        } catch (Exception e) {
            System.err.println("berth-loadgen failed: " + (e.getMessage() == null ? e : e.getMessage()));
            exit = 1;
        } finally {
            if (generator != null) {
                generator.close();
            }
        }
        System.exit(exit);
    }

    /** Sets up, runs the phases the options ask for, tears down; answers the JSON summary. */
    JsonObject runAll() throws Exception {
        String runId = Long.toString(Instant.now().getEpochSecond(), 36) + UUID.randomUUID().toString().substring(0, 4);
        JsonObject summary = new JsonObject()
                .put("runId", runId)
                .put("startedAt", Instant.now().toString())
                .put("options", optionsJson());
        long setUpStart = System.nanoTime();
        out.printf(Locale.ROOT, "Setting up %d pools x %d hosts (%d sessions per host) on 127.0.0.1:%d/%d/%d...%n",
                options.pools(), options.hostsPerPool(), options.maxSessionsPerHost(), options.brokerPort(),
                options.inventoryPort(), options.sessionPort());
        fleet = new LoadFleet(vertx, fleetContext, fleetApi, options, adminToken);
        driver = new PhaseDriver(vertx, driverApi, fleet, gatewayToken, options, out, runId);
        onContext(fleetContext, () -> fleet.setUp().compose(v -> fleet.awaitPlaceable(gatewayToken, Duration.ofSeconds(60))),
                Duration.ofMinutes(10));
        double setUpSeconds = (System.nanoTime() - setUpStart) / 1e9;
        out.printf(Locale.ROOT, "%d hosts registered and placeable in %.1f s%n", options.totalHosts(), setUpSeconds);
        summary.put("setUpSeconds", Math.round(setUpSeconds * 10) / 10.0);

        JsonArray phases = new JsonArray();
        List<PhaseResult> measured = new ArrayList<>();
        try {
            if (!options.warmup().isZero()) {
                phase("warmup", PhaseDriver.Endpoint.CONNECT, options.rate(), options.warmup());
            }
            if (options.max()) {
                double fillRate = options.capacity() / (double) Math.max(1, options.sessionLength().toSeconds());
                if (fillRate < options.maxRate()) {
                    out.printf(Locale.ROOT, "Note: above %.0f connects/s the pools fill up (%d slots, %d s sessions) and"
                            + " answer 503; add hosts or shorten --session-seconds to search higher%n",
                            fillRate, options.capacity(), options.sessionLength().toSeconds());
                }
                JsonObject connectMax = searchMax(PhaseDriver.Endpoint.CONNECT, phases);
                summary.put("maxConnect", connectMax);
                if (options.baseline()) {
                    JsonObject noopMax = searchMax(PhaseDriver.Endpoint.NOOP, phases);
                    summary.put("maxNoop", noopMax);
                    double ratio = noopMax.getDouble("heldRate") == 0 ? 0
                            : connectMax.getDouble("heldRate") / noopMax.getDouble("heldRate");
                    summary.put("connectToNoopRatio", Math.round(ratio * 1000) / 1000.0);
                }
            } else {
                PhaseResult connect = phase("connect", PhaseDriver.Endpoint.CONNECT, options.rate(), options.duration());
                measured.add(connect);
                phases.add(connect.toJson());
                if (options.baseline()) {
                    PhaseResult noop = phase("no-op", PhaseDriver.Endpoint.NOOP, options.rate(), options.duration());
                    measured.add(noop);
                    phases.add(noop.toJson());
                    double ratio = noop.successThroughput() == 0 ? 0 : connect.successThroughput() / noop.successThroughput();
                    summary.put("connectToNoopRatio", Math.round(ratio * 1000) / 1000.0);
                    if (connect.successThroughput() >= 0.99 * options.rate() && noop.successThroughput() >= 0.99 * options.rate()) {
                        summary.put("note", "both endpoints kept up with the target rate, so the throughput ratio is 1 by"
                                + " construction: compare latencies, or use --max --baseline for the ratio of the highest rates");
                    }
                }
            }
        } finally {
            onContext(fleetContext, () -> fleet.stop(), Duration.ofSeconds(60));
            if (options.cleanup()) {
                try {
                    onContext(fleetContext, () -> fleet.delete(), Duration.ofSeconds(120));
                    out.println("Deleted the load generator's hosts, app groups and pools");
                } catch (Exception e) {
                    out.println("Cleanup incomplete: " + e.getMessage());
                }
            }
        }
        summary.put("phases", phases);
        summary.put("agent", new JsonObject()
                .put("hosts", fleet.hostCount())
                .put("logons", fleet.logonsSent())
                .put("logoffs", fleet.logoffsSent())
                .put("failedAgentCalls", fleet.agentFailures()));

        out.println();
        out.println("=== Summary ===");
        measured.forEach(result -> out.print(result.text()));
        if (summary.containsKey("maxConnect")) {
            out.println("Highest connect rate held with p99 <= " + options.p99BoundMillis() + " ms: "
                    + summary.getJsonObject("maxConnect").getDouble("heldRate") + "/s");
        }
        if (summary.containsKey("maxNoop")) {
            out.println("Highest no-op rate held with p99 <= " + options.p99BoundMillis() + " ms: "
                    + summary.getJsonObject("maxNoop").getDouble("heldRate") + "/s");
        }
        if (summary.containsKey("connectToNoopRatio")) {
            out.println("Connect / no-op throughput: " + summary.getDouble("connectToNoopRatio"));
        }
        if (summary.containsKey("note")) {
            out.println("Note: " + summary.getString("note"));
        }
        out.printf(Locale.ROOT, "Simulated agents: %d logons, %d logoffs, %d failed agent calls%n",
                fleet.logonsSent(), fleet.logoffsSent(), fleet.agentFailures());
        return summary;
    }

    /**
     * Finds the highest rate whose p99 stays under the bound, with at least 95 % of the target completed
     * and at most 1 % failures: doubles from {@code --rate} until a step fails, then bisects.
     */
    private JsonObject searchMax(PhaseDriver.Endpoint endpoint, JsonArray phases) throws Exception {
        double held = 0;
        double failed = Double.POSITIVE_INFINITY;
        double rate = options.rate();
        JsonArray steps = new JsonArray();
        for (int step = 1; step <= MAX_SEARCH_STEPS; step++) {
            String label = (endpoint == PhaseDriver.Endpoint.CONNECT ? "max" : "max-noop") + "#" + step;
            PhaseResult result = phase(label, endpoint, rate, options.stepDuration());
            phases.add(result.toJson());
            boolean ok = result.successLatencies().p99() <= options.p99BoundMillis()
                    && result.successThroughput() >= 0.95 * rate
                    && result.failureShare() <= MAX_FAILURE_SHARE;
            steps.add(new JsonObject().put("rate", rate).put("held", ok).put("p99", result.successLatencies().p99())
                    .put("throughput", Math.round(result.successThroughput() * 10) / 10.0));
            out.printf(Locale.ROOT, "  step %d: %.0f/s %s (p99 %.2f ms, %.0f/s successful, %.2f %% failed)%n", step,
                    rate, ok ? "held" : "NOT held", result.successLatencies().p99(), result.successThroughput(),
                    result.failureShare() * 100);
            if (ok) {
                held = rate;
            } else {
                failed = rate;
            }
            double nextRate = Double.isInfinite(failed) ? rate * 2 : (held + failed) / 2;
            nextRate = Math.min(options.maxRate(), Math.floor(nextRate));
            boolean converged = !Double.isInfinite(failed) && (failed - held) <= Math.max(50, held * 0.05);
            if (converged || nextRate == rate || (ok && rate >= options.maxRate()) || nextRate < 1) {
                break;
            }
            rate = nextRate;
            sleepBetweenSteps();
        }
        return new JsonObject().put("endpoint", endpoint.description).put("heldRate", held)
                .put("p99BoundMs", options.p99BoundMillis()).put("steps", steps);
    }

    private void sleepBetweenSteps() throws Exception {
        // Let the previous step's stragglers and its logons settle before the next rate is measured.
        onContext(driverContext, () -> {
            Promise<Void> pause = Promise.promise();
            vertx.setTimer(2000, t -> pause.complete());
            return pause.future();
        }, Duration.ofSeconds(10));
    }

    private PhaseResult phase(String name, PhaseDriver.Endpoint endpoint, double rate, Duration duration) throws Exception {
        out.printf(Locale.ROOT, "--- %s: %s at %.0f/s for %d s ---%n", name, endpoint.description, rate, duration.toSeconds());
        return onContext(driverContext, () -> driver.run(name, endpoint, rate, duration),
                duration.plus(options.requestTimeout()).plusSeconds(30));
    }

    private static <T> T onContext(Context context, Supplier<Future<T>> work, Duration timeout) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private JsonObject optionsJson() {
        return new JsonObject()
                .put("pools", options.pools())
                .put("hostsPerPool", options.hostsPerPool())
                .put("maxSessionsPerHost", options.maxSessionsPerHost())
                .put("loadBalancer", options.loadBalancer())
                .put("rate", options.rate())
                .put("durationSeconds", options.duration().toSeconds())
                .put("warmupSeconds", options.warmup().toSeconds())
                .put("sessionSeconds", options.sessionLength().toSeconds())
                .put("logonDelayMs", options.logonDelay().toMillis())
                .put("connections", options.connections())
                .put("baseline", options.baseline())
                .put("max", options.max())
                .put("p99BoundMs", options.p99BoundMillis())
                .put("processors", Runtime.getRuntime().availableProcessors())
                .put("java", System.getProperty("java.version"));
    }

    void close() {
        driverApi.close();
        fleetApi.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Exiting anyway.
        }
    }
}
