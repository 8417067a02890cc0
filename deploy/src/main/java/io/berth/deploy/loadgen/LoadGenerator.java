package io.berth.deploy.loadgen;

import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.deploy.cli.CheckedOptions;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code java -jar berth-loadgen.jar [options]} (see {@link LoadGenOptions} or {@code --help}): sets up simulated pools
 * and hosts on a running Berth through its API, drives connects at a fixed rate, and reports throughput,
 * latency percentiles and outcomes, on the console and as JSON.
 */
public final class LoadGenerator {

    private final LoadGenOptions options;
    private final PrintStream out;
    private final Vertx vertx;
    private final Context driverContext;
    private final Context fleetContext;
    private final BerthApiClient driverApi;
    private final BerthApiClient fleetApi;
    private final String adminToken;
    private final String gatewayToken;
    private final MaxRateSearch maxRateSearch;
    private LoadFleet fleet;
    private PhaseDriver driver;

    LoadGenerator(LoadGenOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        // Two event loops: one sends connects on schedule, the other plays the agents (logons, logoffs,
        // heartbeats), so that the agents' traffic does not delay the connects it is measuring. On epoll where it
        // loads, as the services are: the generator shares the machine with them, and NIO costs it more CPU.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
                .setPreferNativeTransport(true));
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
        this.maxRateSearch = new MaxRateSearch(options, out, this::phase, this::sleepBetweenSteps);
    }

    public static void main(String[] args) {
        LoadGenOptions options = new LoadGenOptions();
        System.exit(CheckedOptions.execute(options, args, () -> run(options)));
    }

    /** Runs the load the options ask for and writes its summary; answers 0, or 1 when it could not. */
    private static int run(LoadGenOptions options) {
        LoadGenerator generator = null;
        try {
            generator = new LoadGenerator(options, System.out);
            JsonObject summary = generator.runAll();
            Files.writeString(options.output(), summary.encodePrettily());
            System.out.println("Summary written to " + options.output().toAbsolutePath());
            return 0;
        } catch (ConfigException | IllegalStateException e) {
            System.err.println("berth-loadgen: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("berth-loadgen failed: " + (e.getMessage() == null ? e : e.getMessage()));
            return 1;
        } finally {
            if (generator != null) {
                generator.close();
            }
        }
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
        ConnectCost cost = null;
        try {
            if (!options.warmup().isZero()) {
                phase("warmup", PhaseDriver.Endpoint.CONNECT, Math.max(1, options.rate() / 10), options.rate(), options.warmup());
            }
            if (options.max()) {
                double fillRate = options.capacity() / (double) Math.max(1, options.sessionLength().toSeconds());
                if (fillRate < options.maxRate()) {
                    out.printf(Locale.ROOT, "Note: above %.0f connects/s the pools fill up (%d slots, %d s sessions) and"
                            + " answer 503; add hosts or shorten --session-seconds to search higher%n",
                            fillRate, options.capacity(), options.sessionLength().toSeconds());
                }
                JsonObject connectMax = maxRateSearch.search(PhaseDriver.Endpoint.CONNECT, phases);
                summary.put("maxConnect", connectMax);
                if (options.baseline()) {
                    JsonObject noopMax = maxRateSearch.search(PhaseDriver.Endpoint.NOOP, phases);
                    summary.put("maxNoop", noopMax);
                    double ratio = noopMax.getDouble("heldRate") == 0 ? 0
                            : connectMax.getDouble("heldRate") / noopMax.getDouble("heldRate");
                    summary.put("connectToNoopRatio", Math.round(ratio * 1000) / 1000.0);
                }
            } else {
                Optional<CostProbe> probe = CostProbe.find(options);
                CostSnapshot before = probe.isPresent() ? probe.get().snapshot() : null;
                PhaseResult connect = phase("connect", PhaseDriver.Endpoint.CONNECT, options.rate(), options.duration());
                measured.add(connect);
                JsonObject connectJson = connect.toJson();
                if (probe.isPresent()) {
                    cost = probe.get().since(before, Math.round(connect.successThroughput() * connect.seconds()));
                    connectJson.put("cost", cost.toJson());
                    summary.put("cost", cost.toJson());
                }
                phases.add(connectJson);
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
                .put("failedAgentCalls", fleet.agentFailures())
                .put("logoffCommands", fleet.agents().logoffCommands())
                .put("messages", fleet.agents().messages())
                .put("stops", fleet.agents().stops())
                .put("starts", fleet.agents().starts()));
        long deferred = sumOverPhases(phases, "deferredByLogonCap");
        long refusedForLoad = sumOverPhases(phases, "refusedForLoad");
        summary.put("deferredByLogonCap", deferred).put("refusedForLoad", refusedForLoad);

        out.println();
        out.println("=== Summary ===");
        measured.forEach(result -> out.print(result.text()));
        if (cost != null) {
            out.print(cost.text());
        }
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
        out.printf(Locale.ROOT, "Placements deferred by the logon cap: %d; connects refused for load: %d (503s, all phases)%n",
                deferred, refusedForLoad);
        out.printf(Locale.ROOT, "Simulated agents: %d logons, %d logoffs, %d failed agent calls; commands: %d LOGOFF,"
                        + " %d MESSAGE; power: %d stopped, %d started%n",
                fleet.logonsSent(), fleet.logoffsSent(), fleet.agentFailures(), fleet.agents().logoffCommands(),
                fleet.agents().messages(), fleet.agents().stops(), fleet.agents().starts());
        return summary;
    }

    private static long sumOverPhases(JsonArray phases, String field) {
        long sum = 0;
        for (int i = 0; i < phases.size(); i++) {
            sum += phases.getJsonObject(i).getLong(field, 0L);
        }
        return sum;
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
        return phase(name, endpoint, rate, rate, duration);
    }

    /** A phase whose rate rises from {@code fromRate} to {@code rate}: the warm-up's (see OpenLoopSchedule#ramp). */
    private PhaseResult phase(String name, PhaseDriver.Endpoint endpoint, double fromRate, double rate, Duration duration)
            throws Exception {
        out.printf(Locale.ROOT, "--- %s: %s at %s/s for %d s ---%n", name, endpoint.description,
                fromRate == rate ? "%.0f".formatted(rate) : "%.0f up to %.0f".formatted(fromRate, rate), duration.toSeconds());
        return onContext(driverContext, () -> driver.run(name, endpoint, fromRate, rate, duration),
                duration.plus(options.requestTimeout()).plusSeconds(30));
    }

    private static <T> T onContext(Context context, Supplier<Future<T>> work, Duration timeout) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().onSuccess(result::complete).onFailure(result::completeExceptionally);
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
                .put("maxConcurrentLogons", options.hosts().maxConcurrentLogons())
                .put("cpuThresholdPct", options.hosts().cpuThresholdPct())
                .put("loadedHostsPct", options.hosts().loadedHostsPct())
                .put("loadedCpuPct", options.hosts().loadedCpuPct())
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
