package io.berth.faults;

import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.BerthEndpoints;
import io.berth.faults.history.KafkaHistoryReader;
import io.berth.faults.history.SessionHistory;
import io.berth.faults.report.ScenarioReport;
import io.berth.faults.topology.Topology;
import io.berth.faults.traffic.AgentFleet;
import io.berth.faults.traffic.Answer;
import io.berth.faults.traffic.AnswerLog;
import io.berth.faults.traffic.ConnectStorm;
import io.berth.faults.traffic.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One scenario's stage on a running topology: a pool of its own (so scenarios sharing a topology never see
 * each other's sessions), simulated agents, a gateway to every broker node, the answer log, and the checks
 * every scenario makes from the Kafka history.
 */
final class ScenarioStage implements AutoCloseable {

    static final String USER_GROUP = "faults-users";
    private static final AtomicLong USERS = new AtomicLong();

    /** The pool's shape: hosts × seats, heartbeat, how long users stay (empty: until the end). */
    record PoolShape(int hosts, int maxSessionsPerHost, int heartbeatSeconds, Duration logonDelay,
                     java.util.Optional<Duration> sessionLength) {
    }

    final String name;
    final String poolId;
    final String appGroupId;
    final PoolShape shape;
    final Topology topology;
    final Vertx vertx;
    final AnswerLog log = new AnswerLog();
    /** Sessions placed by {@link #setUp()}'s probe connects, which the storm's log does not hold. */
    final java.util.Set<String> setUpSessionIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Gateway gateway;
    final AgentFleet fleet;
    final ScenarioReport report;
    private final String adminToken;
    private final List<BerthApiClient> inventoryClients = new ArrayList<>();
    private ConnectStorm storm;

    ScenarioStage(String name, int run, Topology topology, Vertx vertx, PoolShape shape) {
        this.name = name;
        this.poolId = name + "-" + run;
        this.appGroupId = poolId + "-desktop";
        this.shape = shape;
        this.topology = topology;
        this.vertx = vertx;
        this.report = new ScenarioReport(name + (run > 1 ? " #" + run : ""));
        TokenIssuer issuer = new TokenIssuer(vertx, AuthConfig.ofSecret(topology.jwtSecret()));
        this.adminToken = issuer.issue("fault-admin", List.of(Role.ADMIN), Duration.ofHours(2));
        String gatewayToken = issuer.issue("fault-gateway", List.of(Role.GATEWAY), Duration.ofHours(2));
        Map<String, Integer> brokerPorts = new LinkedHashMap<>();
        topology.brokers().forEach(node -> brokerPorts.put(node.name(), node.httpPort()));
        this.gateway = new Gateway(vertx, brokerPorts, gatewayToken, 15_000);
        topology.inventories().forEach(instance -> inventoryClients.add(new BerthApiClient(vertx,
                new BerthEndpoints("127.0.0.1", topology.broker(1).httpPort(), instance.httpPort(), topology.sessionPort()), 64)));
        this.fleet = new AgentFleet(vertx, inventoryClients, new AgentFleet.Settings(poolId, shape.hosts(),
                shape.heartbeatSeconds(), shape.logonDelay(), shape.sessionLength()));
    }

    /** Creates the pool and its app group, starts the agents, and waits until every broker node places a user. */
    ScenarioStage setUp() {
        JsonObject pool = new JsonObject()
                .put("type", "POOLED").put("loadBalancer", "BREADTH_FIRST")
                .put("maxSessionsPerHost", shape.maxSessionsPerHost()).put("personalAssignment", "AUTOMATIC")
                .put("startVmOnConnect", false).put("heartbeatSeconds", shape.heartbeatSeconds())
                .put("pendingTimeoutSeconds", 60);
        BerthApiClient admin = inventoryClients.get(0);
        await(admin.putPool(adminToken, poolId, pool)
                .compose(p -> admin.putAppGroup(adminToken, appGroupId, poolId, "DESKTOP", List.of(), List.of(USER_GROUP)))
                .compose(g -> fleet.start(adminToken)));
        for (String node : gateway.nodes()) {
            Awaitility.await(node + " places a user in " + poolId).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Answer answer = await(gateway.connect(node, newUser(), appGroupId, List.of(USER_GROUP),
                                System.currentTimeMillis()));
                        if (answer.placed()) {
                            setUpSessionIds.add(answer.sessionId());
                            fleet.placed(answer);
                        }
                        return answer.placed();
                    });
        }
        return this;
    }

    /** A user id never used before in this JVM. */
    String newUser() {
        return poolId + "-user-" + USERS.incrementAndGet();
    }

    /** Starts connects at {@code rate}/s over every broker node; users from {@code users}. */
    void startStorm(double rate, Supplier<String> users) {
        storm = new ConnectStorm(vertx, gateway, appGroupId, List.of(USER_GROUP), users, rate, log, fleet::placed);
        storm.start();
    }

    /** Stops the storm and waits until every request sent has its answer in the log. */
    void stopStorm() {
        storm.stop();
        Awaitility.await("connects in flight answered").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> storm.inFlight() == 0);
    }

    /** Lets a phase run: the storm goes on meanwhile (a wait on the clock, not a synchronisation). */
    static void hold(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() >= until);
    }

    /** The fault of a paused process: SIGSTOP for {@code duration} (the storm goes on), then SIGCONT. */
    void paused(io.berth.faults.topology.ServiceProcess process, Duration duration) {
        log.faultStarted(System.currentTimeMillis());
        process.pause();
        try {
            hold(duration);
        } finally {
            process.resume();
        }
        log.faultEnded(System.currentTimeMillis());
    }

    SessionHistory history() {
        return new KafkaHistoryReader(topology.kafkaBootstrap()).read(poolId);
    }

    /**
     * The checks of every scenario: no host above its limit at any instant, no user with two live
     * sessions at once, every 200 on {@code berth.allocations}; and the figures per node and phase.
     */
    SessionHistory checkHistory() {
        SessionHistory history = history();
        report.none("overbooked hosts (live > " + shape.maxSessionsPerHost() + " at any instant)",
                history.overbookedHosts(shape.maxSessionsPerHost()));
        report.none("users with two live sessions at once", history.doubleSessions());
        report.none("acknowledged (200) connects not on berth.allocations", history.lostAcknowledged(log.acknowledged()));
        report.figure(String.format("pool %s: %d hosts x %d seats; %d connects, %d acknowledged, %d allocations, "
                        + "peak live per host %d", poolId, shape.hosts(), shape.maxSessionsPerHost(), log.answers().size(),
                log.acknowledged().size(), history.allocationCount(),
                history.peakPerHost().values().stream().mapToInt(Integer::intValue).max().orElse(0)));
        log.figures().forEach(f -> report.figure(f.toString()));
        outcomesOtherThan200().forEach(report::figure);
        report.figure(String.format("agents: %d heartbeats accepted, %d failed, %d session reports given up",
                fleet.heartbeatsAccepted(), fleet.heartbeatFailures(), fleet.eventsGivenUp()));
        return history;
    }

    /** Per node and phase, the most frequent answers other than 200 (status and the start of the detail). */
    private List<String> outcomesOtherThan200() {
        Map<String, Map<String, Long>> byCell = new java.util.TreeMap<>();
        for (Answer answer : log.answers(a -> !a.placed())) {
            String detail = answer.detail() == null ? "" : answer.detail().replaceAll("\\s+", " ");
            String outcome = (answer.status() == Answer.NO_ANSWER ? "no answer" : String.valueOf(answer.status())) + " "
                    + detail.substring(0, Math.min(70, detail.length()));
            byCell.computeIfAbsent(answer.node() + " " + log.phaseOf(answer).label(), k -> new LinkedHashMap<>())
                    .merge(outcome, 1L, Long::sum);
        }
        List<String> lines = new ArrayList<>();
        byCell.forEach((cell, outcomes) -> lines.add(cell + ": " + outcomes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                .map(e -> e.getValue() + "x " + e.getKey()).collect(java.util.stream.Collectors.joining(" | "))));
        return lines;
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    @Override
    public void close() {
        if (storm != null) {
            storm.stop();
        }
        await(fleet.stop());
        gateway.close();
        inventoryClients.forEach(BerthApiClient::close);
    }
}
