package io.berth.deploy;

import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.Env;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.RunningService;
import io.berth.common.runtime.ServiceContext;
import io.berth.common.runtime.ServiceRuntime;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.BerthEndpoints;
import io.berth.deploy.client.ReadinessProbe;
import io.berth.deploy.demo.DemoFleet;
import io.berth.deploy.kafka.EmbeddedKafkaServer;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Everything the single-machine launcher runs, started in order and stopped in reverse: Kafka (unless
 * {@code BERTH_KAFKA_BOOTSTRAP} names one), the three services, and the demo fleet. {@link #close()} stops
 * the fleet, then the services, then Kafka.
 */
public final class LocalStack implements AutoCloseable {

    /** What to run: the root verticle of each service, in start order, with its settings read from {@code env}. */
    @FunctionalInterface
    public interface Services {
        Map<ServiceName, Function<ServiceContext, ? extends BerthVerticle>> factories(Env env);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TOKEN_TTL = Duration.ofDays(1);

    private final Path dataDir;
    private final Vertx vertx;
    private final EmbeddedKafkaServer kafka;
    private final String bootstrapServers;
    private final Map<ServiceName, RunningService> services;
    private final TokenIssuer tokens;
    private final StartTimings timings;
    private final BerthApiClient api;
    private volatile DemoFleet demoFleet;
    private volatile boolean closed;

    private LocalStack(Path dataDir, Vertx vertx, EmbeddedKafkaServer kafka, String bootstrapServers,
                       Map<ServiceName, RunningService> services, TokenIssuer tokens, StartTimings timings,
                       BerthApiClient api, DemoFleet demoFleet) {
        this.dataDir = dataDir;
        this.vertx = vertx;
        this.kafka = kafka;
        this.bootstrapServers = bootstrapServers;
        this.services = services;
        this.tokens = tokens;
        this.timings = timings;
        this.api = api;
        this.demoFleet = demoFleet;
    }

    /**
     * Starts everything and waits until each service's {@code /health/ready} answers 200 (and the demo fleet,
     * if any, has registered its hosts). On any failure what was started is stopped again and a
     * {@link LaunchException} says what went wrong.
     */
    public static LocalStack start(Path dataDir, int demoHosts, Env environment, Services toRun) {
        long startedAt = System.nanoTime();
        Env env = onThisMachine(environment).with(Map.of(ServiceConfig.DATA_DIR, dataDir.toString()));
        EmbeddedKafkaServer kafka = null;
        Map<ServiceName, RunningService> running = new LinkedHashMap<>();
        Vertx vertx = null;
        BerthApiClient api = null;
        try {
            Optional<String> external = env.get(KafkaConfig.BOOTSTRAP);
            PortPreflight.requirePortsFree(env, toRun.factories(env).keySet(), external.isEmpty());
            String bootstrap;
            if (external.isPresent()) {
                bootstrap = external.get();
                LOG.info("Using the Kafka at {} ({} is set); starting none", bootstrap, KafkaConfig.BOOTSTRAP);
            } else {
                kafka = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.from(env, dataDir));
                bootstrap = kafka.bootstrapServers();
                env = env.with(Map.of(KafkaConfig.BOOTSTRAP, bootstrap));
            }
            long kafkaDone = System.nanoTime();

            for (var entry : toRun.factories(env).entrySet()) {
                ServiceName service = entry.getKey();
                ServiceConfig config = ServiceConfig.load(service, env, false);
                RunningService started = await(ServiceRuntime.start(config, entry.getValue()).toCompletionStage()
                        .toCompletableFuture(), service.id() + " did not start");
                running.put(service, started);
                LOG.info("{} listening on port {}", service.id(), started.httpPort());
            }
            long servicesDone = System.nanoTime();
            awaitReady(running);
            long readyDone = System.nanoTime();
            Instant readyAt = Instant.now();

            ServiceConfig brokerConfig = ServiceConfig.load(ServiceName.BROKER, env, false);
            AuthConfig auth = brokerConfig.auth();
            vertx = Vertx.vertx();
            TokenIssuer tokens = auth.canIssueTokens() ? new TokenIssuer(vertx, auth) : null;
            BerthEndpoints endpoints = endpoints(running);
            api = new BerthApiClient(vertx, endpoints, 16);
            DemoFleet fleet = null;
            if (demoHosts > 0) {
                if (tokens == null) {
                    throw new LaunchException("the demo fleet needs to mint an admin token, which "
                            + AuthConfig.PUBLIC_KEY + " does not allow; run with --demo-hosts 0", null);
                }
                fleet = await(DemoFleet.start(vertx, api, brokerConfig.kafka(),
                                mint(tokens, "berth-demo-fleet", Role.ADMIN), DemoFleet.Settings.demo(demoHosts),
                                dataDir.resolve("demo-agent-tokens.json"))
                        .toCompletionStage().toCompletableFuture(), "the demo fleet did not start");
            }
            long fleetDone = System.nanoTime();
            StartTimings timings = new StartTimings(Duration.ofNanos(kafkaDone - startedAt),
                    Duration.ofNanos(servicesDone - kafkaDone), Duration.ofNanos(readyDone - startedAt),
                    Duration.ofNanos(fleetDone - readyDone), readyAt);
            return new LocalStack(dataDir, vertx, kafka, bootstrap, running, tokens, timings, api, fleet);
        } catch (RuntimeException e) {
            stopAll(vertx, api, null, running, kafka);
            if (e instanceof LaunchException) {
                throw e;
            }
            throw new LaunchException(LaunchException.rootMessage(e), e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public String kafkaBootstrapServers() {
        return bootstrapServers;
    }

    /** Whether this stack runs its own Kafka (false when {@code BERTH_KAFKA_BOOTSTRAP} named one). */
    public boolean embeddedKafka() {
        return kafka != null;
    }

    public int port(ServiceName service) {
        RunningService running = services.get(service);
        return running == null ? -1 : running.httpPort();
    }

    public BerthEndpoints endpoints() {
        return endpoints(services);
    }

    public StartTimings timings() {
        return timings;
    }

    public Optional<DemoFleet> demoFleet() {
        return Optional.ofNullable(demoFleet);
    }

    public boolean canIssueTokens() {
        return tokens != null;
    }

    public String adminToken() {
        return issue("berth-local-admin", Role.ADMIN);
    }

    public String gatewayToken() {
        return issue("berth-local-gateway", Role.GATEWAY);
    }

    private String issue(String subject, Role role) {
        if (tokens == null) {
            throw new IllegalStateException("tokens cannot be minted with " + AuthConfig.PUBLIC_KEY + " set");
        }
        return mint(tokens, subject, role);
    }

    private static String mint(TokenIssuer tokens, String subject, Role role) {
        return tokens.issue(subject, List.of(role), TOKEN_TTL);
    }

    /** Stops the demo fleet, the services (broker first, the reverse of the start order) and then Kafka. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll(vertx, api, demoFleet, services, kafka);
    }

    private static void stopAll(Vertx vertx, BerthApiClient api, DemoFleet fleet,
                                Map<ServiceName, RunningService> services, EmbeddedKafkaServer kafka) {
        if (fleet != null) {
            try {
                fleet.close();
            } catch (RuntimeException e) {
                LOG.warn("The demo fleet did not stop cleanly", e);
            }
        }
        if (api != null) {
            api.close();
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("The launcher's Vert.x did not stop cleanly", e);
            }
        }
        List<ServiceName> reverse = new ArrayList<>(services.keySet());
        Collections.reverse(reverse);
        for (ServiceName service : reverse) {
            try {
                services.get(service).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                LOG.info("{} stopped", service.id());
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly", service.id(), e);
            }
        }
        services.clear();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static BerthEndpoints endpoints(Map<ServiceName, RunningService> services) {
        return new BerthEndpoints("127.0.0.1", port(services, ServiceName.BROKER), port(services, ServiceName.INVENTORY),
                port(services, ServiceName.SESSION));
    }

    private static int port(Map<ServiceName, RunningService> services, ServiceName service) {
        RunningService running = services.get(service);
        return running == null ? service.defaultPort() : running.httpPort();
    }

    /**
     * The launcher's services answer this machine only ({@value HttpConfig#LOOPBACK}) unless
     * {@code BERTH_HTTP_HOST} opens them to the network: a demo with a well-known secret file and minted
     * tokens is not for other machines. A service started on its own keeps listening on every interface.
     */
    static Env onThisMachine(Env env) {
        return env.with(Map.of(HttpConfig.HOST, env.string(HttpConfig.HOST, HttpConfig.LOOPBACK)));
    }

    /** Waits until each service's {@code /health/ready} answers 200: consuming its topics, caught up. */
    private static void awaitReady(Map<ServiceName, RunningService> services) {
        ReadinessProbe probe = new ReadinessProbe();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (var entry : services.entrySet()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                probe.awaitReady(entry.getKey().id(), entry.getValue().httpPort(), left, () -> true);
            } catch (ReadinessProbe.NotReadyException e) {
                throw new LaunchException(e.getMessage(), null);
            }
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new LaunchException(what + ": " + LaunchException.rootMessage(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new LaunchException(what + " within " + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
