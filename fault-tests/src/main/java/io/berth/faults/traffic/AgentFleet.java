package io.berth.faults.traffic;

import io.berth.deploy.client.ApiException;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.demo.SimulatedHost;
import io.berth.faults.history.HostListing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Simulated session host agents of one pool, speaking only the public API through the deploy module's
 * client and {@link SimulatedHost}: they register, heartbeat every {@code heartbeatSeconds} with the
 * sessions they hold, log a placed user on after a delay (retrying while the session service does not
 * answer, as a real agent would) and, if sessions have a length, off again. Calls to the inventory go to
 * one instance and move to the next when it does not answer. The fleet remembers when each session was
 * first reported in an accepted heartbeat and when it was dropped, for the history checks.
 */
public final class AgentFleet {

    private static final int EVENT_ATTEMPTS = 60;
    private static final long EVENT_RETRY_MILLIS = 2_000;

    /** The pool's shape and how its simulated users behave. */
    public record Settings(String poolId, int hosts, int heartbeatSeconds, Duration logonDelay,
                           Optional<Duration> sessionLength) {
    }

    private record Listing(Instant firstReported, Instant droppedAt) {
    }

    private final Vertx vertx;
    private final Context context;
    private final List<BerthApiClient> inventories;
    private final Settings settings;
    private final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private final AtomicLong heartbeatsAccepted = new AtomicLong();
    private final AtomicLong heartbeatFailures = new AtomicLong();
    private final AtomicLong eventsGivenUp = new AtomicLong();
    private volatile int currentInventory;
    private volatile boolean stopped;
    private volatile boolean keepUsers;

    /**
     * {@code inventories}: one client per inventory instance; each must also name the session service's
     * port (the agents' session reports go there).
     */
    public AgentFleet(Vertx vertx, List<BerthApiClient> inventories, Settings settings) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.inventories = List.copyOf(inventories);
        this.settings = settings;
    }

    public static String hostName(String poolId, int host) {
        return String.format("%s-host-%02d.faults.berth.local", poolId, host);
    }

    /** Registers every host with a token of the pool and sends its first heartbeat; then heartbeats go on. */
    public Future<Void> start(String adminToken) {
        Promise<Void> started = Promise.promise();
        context.runOnContext(v -> inventory(api -> api.registrationToken(adminToken, settings.poolId(), 3600))
                .compose(token -> inventory(api -> api.registerAllReplacing(adminToken, token, IntStream.rangeClosed(1, settings.hosts())
                        .mapToObj(h -> hostName(settings.poolId(), h)).toList())))
                .compose(registrations -> {
                    List<Future<Integer>> first = new ArrayList<>();
                    for (JsonObject registration : registrations) {
                        SimulatedHost host = new SimulatedHost(registration.getString("hostId"),
                                registration.getString("agentToken"));
                        hosts.put(host.hostId(), host);
                        first.add(heartbeat(host));
                    }
                    return Future.all(first);
                })
                .onSuccess(v2 -> {
                    long period = settings.heartbeatSeconds() * 1000L;
                    for (SimulatedHost host : hosts.values()) {
                        long offset = 1 + ThreadLocalRandom.current().nextLong(period);
                        timers.add(vertx.setTimer(offset, t -> timers.add(vertx.setPeriodic(period, p -> heartbeat(host)))));
                    }
                })
                .<Void>mapEmpty()
                .onComplete(started));
        return started.future();
    }

    /** A connect placed a user on one of this fleet's hosts (from any thread). */
    public void placed(Answer answer) {
        context.runOnContext(v -> {
            SimulatedHost host = hosts.get(answer.hostId());
            if (stopped || host == null || !host.allocated(answer.sessionId(), answer.userId())) {
                return;
            }
            vertx.setTimer(Math.max(1, settings.logonDelay().toMillis()), t -> logOn(host, answer.sessionId()));
        });
    }

    /** Session id → when its host first reported it and when it dropped it. */
    public Map<String, HostListing> listings() {
        Map<String, HostListing> snapshot = new LinkedHashMap<>();
        listings.forEach((id, l) -> snapshot.put(id, new HostListing(l.firstReported(), Optional.ofNullable(l.droppedAt()))));
        return snapshot;
    }

    public long heartbeatsAccepted() {
        return heartbeatsAccepted.get();
    }

    public long heartbeatFailures() {
        return heartbeatFailures.get();
    }

    public long eventsGivenUp() {
        return eventsGivenUp.get();
    }

    /** From now on no user logs off (sessions stay until {@link #stop}); heartbeats go on. */
    public void keepUsersLoggedOn() {
        keepUsers = true;
    }

    /** Stops heartbeats and user activity (sessions stay as they are). */
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            stopped = true;
            timers.forEach(vertx::cancelTimer);
            timers.clear();
            done.complete();
        });
        return done.future();
    }

    private void logOn(SimulatedHost host, String sessionId) {
        host.session(sessionId).ifPresent(session -> {
            host.loggedOn(sessionId);
            report(host, sessionId, "LOGON", session.userId(), 1);
            settings.sessionLength().ifPresent(length ->
                    vertx.setTimer(Math.max(1, length.toMillis()), t -> logOff(host, sessionId)));
        });
    }

    private void logOff(SimulatedHost host, String sessionId) {
        if (keepUsers) {
            return;
        }
        host.ended(sessionId).ifPresent(session -> {
            listings.computeIfPresent(sessionId, (id, l) -> new Listing(l.firstReported(), Instant.now()));
            report(host, sessionId, "LOGOFF", session.userId(), 1);
        });
    }

    /** A session report, retried every 2 s while the session service does not accept it. */
    private void report(SimulatedHost host, String sessionId, String type, String userId, int attempt) {
        if (stopped) {
            return;
        }
        inventories.get(0).sessionEvent(host.agentToken(), sessionId, type, userId, host.hostId()).onFailure(e -> {
            if (attempt >= EVENT_ATTEMPTS || (e instanceof ApiException api && api.status() < 500)) {
                eventsGivenUp.incrementAndGet();
            } else {
                vertx.setTimer(EVENT_RETRY_MILLIS, t -> report(host, sessionId, type, userId, attempt + 1));
            }
        });
    }

    private Future<Integer> heartbeat(SimulatedHost host) {
        if (stopped) {
            return Future.succeededFuture(0);
        }
        List<String> reported = List.copyOf(host.sessionIds());
        return inventory(api -> api.heartbeat(host.agentToken(), host.hostId(), reported))
                .onSuccess(next -> {
                    heartbeatsAccepted.incrementAndGet();
                    Instant now = Instant.now();
                    // Still held now (a logoff while the heartbeat was in flight does not count as listed).
                    reported.stream().filter(id -> host.session(id).isPresent())
                            .forEach(id -> listings.putIfAbsent(id, new Listing(now, null)));
                })
                .onFailure(e -> heartbeatFailures.incrementAndGet());
    }

    /** A call to the current inventory instance, moved to the next one when this one does not answer. */
    private <T> Future<T> inventory(Function<BerthApiClient, Future<T>> call) {
        int tried = currentInventory;
        return call.apply(inventories.get(tried)).recover(failure -> {
            boolean unavailable = !(failure instanceof ApiException api) || api.status() >= 500;
            if (!unavailable || inventories.size() == 1) {
                return Future.failedFuture(failure);
            }
            int next = (tried + 1) % inventories.size();
            currentInventory = next;
            return call.apply(inventories.get(next));
        });
    }
}
