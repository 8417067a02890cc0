package io.berth.deploy.loadgen;

import io.berth.deploy.client.ApiException;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.demo.HostAgents;
import io.berth.deploy.demo.SimulatedHost;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The load generator's simulated hosts: K pools of N hosts set up through the API, heartbeating with their
 * sessions, logging each placed user on after a short delay and off again after the session length, so
 * that the pools stay in a steady state while connects keep arriving. Its agents obey the command channel
 * and, with {@code --kafka-port}, it is their power controller (see {@link HostAgents}); the first
 * {@code --loaded-hosts-pct} of each pool's hosts report a CPU load of {@code --loaded-cpu-pct}. It lives on a
 * Vert.x context of its own (an event loop apart from the one sending connects); {@link #placedFromAnyThread}
 * hands it work.
 */
final class LoadFleet {

    static final String USER_GROUP = "loadgen-users";
    private static final int HEARTBEAT_SECONDS = 30;
    private static final Duration BOOT_TIME = Duration.ofSeconds(2);

    /** A session waiting for its next step, due at {@code dueNanos}. */
    private record Step(long dueNanos, SimulatedHost host, String sessionId) {
    }

    private final Vertx vertx;
    private final BerthApiClient api;
    private final LoadGenOptions options;
    private final String adminToken;
    private final Map<String, SimulatedHost> hosts = new HashMap<>();
    // Constant delays: each queue is in due order by construction, so a FIFO does the job of a timer wheel.
    private final ArrayDeque<Step> logons = new ArrayDeque<>();
    private final ArrayDeque<Step> logoffs = new ArrayDeque<>();
    private final List<Long> timers = new ArrayList<>();
    private final AtomicLong logonsSent = new AtomicLong();
    private final AtomicLong logoffsSent = new AtomicLong();
    private final AtomicLong agentFailures = new AtomicLong();
    private final Context context;
    private final HostAgents agents;
    private PowerCommandReader powerCommands;
    // Written on the fleet's context, read by the driver's progress line.
    private volatile int liveSessions;

    LoadFleet(Vertx vertx, Context context, BerthApiClient api, LoadGenOptions options, String adminToken) {
        this.vertx = vertx;
        this.context = context;
        this.api = api;
        this.options = options;
        this.adminToken = adminToken;
        this.agents = new HostAgents(vertx, api, BOOT_TIME, hosts::get, (host, sessionId) -> logOff(host, sessionId),
                e -> agentFailures.incrementAndGet());
    }

    static String poolId(int pool) {
        return "loadgen-" + pool;
    }

    static String appGroupId(int pool) {
        return "loadgen-" + pool + "-desktop";
    }

    static String hostName(int pool, int host) {
        return String.format("lg-%d-%05d.loadgen.berth.local", pool, host);
    }

    /**
     * Creates the pools, app groups and hosts, sends each host's first heartbeat, and (with a Kafka port)
     * follows the power commands on {@code berth.host-commands} sent from now on.
     */
    Future<Void> setUp() {
        Instant since = Instant.now();
        Future<Void> chain = Future.succeededFuture();
        for (int p = 1; p <= options.pools(); p++) {
            int pool = p;
            chain = chain.compose(v -> setUpPool(pool));
        }
        return chain.onSuccess(v -> {
            if (options.hosts().kafkaPort() > 0) {
                powerCommands = PowerCommandReader.start(vertx, options.hosts().kafkaPort(), since, agents::powerCommand);
            }
            timers.add(vertx.setPeriodic(5, t -> tick(System.nanoTime())));
            long period = TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS);
            for (SimulatedHost host : hosts.values()) {
                long first = 1 + ThreadLocalRandom.current().nextLong(period);
                timers.add(vertx.setTimer(first, t -> {
                    agents.heartbeat(host);
                    timers.add(vertx.setPeriodic(period, p -> agents.heartbeat(host)));
                }));
            }
        });
    }

    private Future<Void> setUpPool(int pool) {
        JsonObject config = new JsonObject()
                .put("type", "POOLED")
                .put("loadBalancer", options.loadBalancer())
                .put("maxSessionsPerHost", options.maxSessionsPerHost())
                .put("personalAssignment", "AUTOMATIC")
                .put("startVmOnConnect", false)
                .put("heartbeatSeconds", HEARTBEAT_SECONDS)
                .put("pendingTimeoutSeconds", 60);
        // Section 7.4's fields only when asked for, so the pools stay what a section 4 client would create.
        if (options.hosts().maxConcurrentLogons() > 0) {
            config.put("maxConcurrentLogonsPerHost", options.hosts().maxConcurrentLogons());
        }
        if (options.hosts().cpuThresholdPct() > 0) {
            config.put("loadThresholds", new JsonObject().put("cpuPct", options.hosts().cpuThresholdPct()));
        }
        return api.putPool(adminToken, poolId(pool), config)
                .compose(p -> api.putAppGroup(adminToken, appGroupId(pool), poolId(pool), "DESKTOP", List.of(),
                        List.of(USER_GROUP)))
                .compose(g -> api.registrationToken(adminToken, poolId(pool), 3600))
                .compose(token -> api.registerAllReplacing(adminToken, token, IntStream.rangeClosed(1, options.hostsPerPool())
                        .mapToObj(h -> hostName(pool, h)).toList()))
                .compose(answers -> {
                    List<Future<?>> heartbeats = new ArrayList<>();
                    for (int i = 0; i < answers.size(); i++) {
                        JsonObject answer = answers.get(i);
                        SimulatedHost host = new SimulatedHost(answer.getString("hostId"), answer.getString("agentToken"));
                        host.reportLoad(options.hosts().loadOf(i, options.hostsPerPool()));
                        hosts.put(host.hostId(), host);
                        heartbeats.add(agents.heartbeat(host));
                    }
                    return Future.all(heartbeats).mapEmpty();
                });
    }

    /**
     * Waits until the broker places a user in every pool (its caches have caught up with the new hosts).
     * The probe sessions are handled like any other.
     */
    Future<Void> awaitPlaceable(String gatewayToken, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<Void>> pools = new ArrayList<>();
        for (int p = 1; p <= options.pools(); p++) {
            Promise<Void> placeable = Promise.promise();
            probe(gatewayToken, p, deadline, placeable, 0);
            pools.add(placeable.future());
        }
        return Future.all(pools).mapEmpty();
    }

    private void probe(String gatewayToken, int pool, long deadline, Promise<Void> placeable, int attempt) {
        String user = "lg-probe-" + pool + "-" + attempt + "-" + Long.toHexString(System.nanoTime());
        api.connect(gatewayToken, user, appGroupId(pool), List.of(USER_GROUP), 5_000).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 200) {
                JsonObject answer = ar.result().bodyAsJsonObject();
                placed(answer.getString("sessionId"), user, answer.getString("hostId"));
                placeable.tryComplete();
            } else if (System.nanoTime() > deadline) {
                placeable.tryFail("the broker placed nobody in pool " + poolId(pool) + " in time (last answer: "
                        + (ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause()) + ")");
            } else {
                vertx.setTimer(500, t -> probe(gatewayToken, pool, deadline, placeable, attempt + 1));
            }
        });
    }

    /** {@link #placed}, called from another context (the driver's). */
    void placedFromAnyThread(String sessionId, String userId, String hostId) {
        context.runOnContext(v -> placed(sessionId, userId, hostId));
    }

    /** The broker placed {@code userId} on {@code hostId}: the user logs on shortly. */
    private void placed(String sessionId, String userId, String hostId) {
        SimulatedHost host = hosts.get(hostId);
        if (host == null || sessionId == null || !host.allocated(sessionId, userId)) {
            return;
        }
        liveSessions++;
        logons.add(new Step(System.nanoTime() + options.logonDelay().toNanos(), host, sessionId));
    }

    int liveSessions() {
        return liveSessions;
    }

    long logonsSent() {
        return logonsSent.get();
    }

    long logoffsSent() {
        return logoffsSent.get();
    }

    long agentFailures() {
        return agentFailures.get();
    }

    HostAgents agents() {
        return agents;
    }

    int hostCount() {
        return hosts.size();
    }

    private void tick(long now) {
        while (!logons.isEmpty() && logons.peek().dueNanos() <= now) {
            Step step = logons.poll();
            logOn(step.host(), step.sessionId());
        }
        while (!logoffs.isEmpty() && logoffs.peek().dueNanos() <= now) {
            Step step = logoffs.poll();
            logOff(step.host(), step.sessionId());
        }
    }

    private void logOn(SimulatedHost host, String sessionId) {
        host.session(sessionId).ifPresent(session -> {
            logonsSent.incrementAndGet();
            api.sessionEvent(host.agentToken(), sessionId, "LOGON", session.userId(), host.hostId())
                    .onFailure(e -> {
                        agentFailures.incrementAndGet();
                        if (host.ended(sessionId).isPresent()) {
                            liveSessions--;
                        }
                    });
            host.loggedOn(sessionId);
            logoffs.add(new Step(System.nanoTime() + options.sessionLength().toNanos(), host, sessionId));
        });
    }

    private Future<Void> logOff(SimulatedHost host, String sessionId) {
        return host.ended(sessionId).map(session -> {
            liveSessions--;
            logoffsSent.incrementAndGet();
            return api.sessionEvent(host.agentToken(), sessionId, "LOGOFF", session.userId(), host.hostId())
                    .onFailure(e -> agentFailures.incrementAndGet());
        }).orElse(Future.succeededFuture());
    }

    /** Stops the timers and logs every remaining user off, so the next run starts from empty pools. */
    Future<Void> stop() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        Future<Void> readerClosed = powerCommands == null ? Future.succeededFuture() : powerCommands.close(vertx);
        powerCommands = null;
        List<Future<Void>> loggedOff = new ArrayList<>();
        for (SimulatedHost host : hosts.values()) {
            for (String sessionId : host.sessionIds()) {
                loggedOff.add(logOff(host, sessionId));
            }
        }
        logons.clear();
        logoffs.clear();
        return Future.join(loggedOff).otherwiseEmpty().compose(v -> readerClosed).mapEmpty();
    }

    /**
     * Deletes the hosts, the app groups and then the pools, as an operator would. A pool refuses deletion
     * (409) until the inventory has seen its hosts go, so that step is retried for a while.
     */
    Future<Void> delete() {
        List<Future<Void>> hostDeletions = hosts.keySet().stream().map(id -> api.deleteHost(adminToken, id)).toList();
        return Future.join(hostDeletions).otherwiseEmpty().compose(v -> {
            List<Future<Void>> pools = new ArrayList<>();
            for (int p = 1; p <= options.pools(); p++) {
                String poolId = poolId(p);
                pools.add(api.deleteAppGroup(adminToken, appGroupId(p)).otherwiseEmpty()
                        .compose(g -> deletePool(poolId, System.nanoTime() + TimeUnit.SECONDS.toNanos(30))));
            }
            return Future.join(pools).mapEmpty();
        });
    }

    private Future<Void> deletePool(String poolId, long deadline) {
        return api.deletePool(adminToken, poolId).recover(failure -> {
            boolean conflict = failure instanceof ApiException api && api.status() == 409;
            if (!conflict || System.nanoTime() > deadline) {
                return Future.failedFuture(failure);
            }
            Promise<Void> retried = Promise.promise();
            vertx.setTimer(500, t -> deletePool(poolId, deadline).onComplete(retried));
            return retried.future();
        });
    }
}
