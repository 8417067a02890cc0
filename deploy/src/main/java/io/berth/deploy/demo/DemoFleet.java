package io.berth.deploy.demo;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.deploy.client.BerthApiClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A fleet of simulated session-host agents for the single-machine launcher, speaking only the real API:
 * as an operator it creates the demo pool ({@code POOLED}, {@code BREADTH_FIRST}) and a {@code DESKTOP}
 * application group for the demo users; as agents its hosts register, heartbeat with their sessions, and
 * log each user the broker places on them on shortly after the connect and off again a while later.
 *
 * <p>It learns of placements the way an agent on a real host would learn of an arriving user: by reading
 * {@code berth.allocations} (and {@code berth.host-commands} for an operator's logoff).
 */
public final class DemoFleet implements AutoCloseable {

    public static final String POOL_ID = "demo";
    public static final String APP_GROUP_ID = "demo-desktop";
    public static final String USER_GROUP = "demo-users";
    public static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");
    public static final String HOST_DOMAIN = ".demo.berth.local";

    /** The fleet's size and pace. */
    public record Settings(int hosts, int maxSessionsPerHost, int heartbeatSeconds, Duration logonDelayMin,
                           Duration logonDelayMax, Duration sessionLengthMin, Duration sessionLengthMax) {

        /** The launcher's demo: users log on 1-3 s after connecting and stay 1-3 minutes. */
        public static Settings demo(int hosts) {
            return new Settings(hosts, 4, 10, Duration.ofSeconds(1), Duration.ofSeconds(3),
                    Duration.ofMinutes(1), Duration.ofMinutes(3));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DemoFleet.class);

    private final Vertx vertx;
    private final String deploymentId;
    private final FleetVerticle fleet;

    private DemoFleet(Vertx vertx, String deploymentId, FleetVerticle fleet) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.fleet = fleet;
    }

    /** Creates the pool and app group, registers the hosts and starts heartbeating; completes once all are registered. */
    public static Future<DemoFleet> start(Vertx vertx, BerthApiClient api, KafkaConfig kafka, String adminToken,
                                          Settings settings) {
        return start(vertx, api, kafka, adminToken, settings, null);
    }

    /**
     * As {@link #start(Vertx, BerthApiClient, KafkaConfig, String, Settings)}, keeping the agents' tokens in
     * {@code agentTokenFile} (may be null) as real agents keep theirs: after a restart the hosts register
     * again with them, since a registered host is taken only with its own agent token (DESIGN.md 7.8).
     */
    public static Future<DemoFleet> start(Vertx vertx, BerthApiClient api, KafkaConfig kafka, String adminToken,
                                          Settings settings, Path agentTokenFile) {
        FleetVerticle fleet = new FleetVerticle(api, kafka, adminToken, settings, agentTokenFile);
        return vertx.deployVerticle(fleet).map(id -> new DemoFleet(vertx, id, fleet));
    }

    public static String hostName(int index) {
        return String.format("demo-host-%02d%s", index, HOST_DOMAIN);
    }

    public int hosts() {
        return fleet.hosts.size();
    }

    public long logons() {
        return fleet.logons.get();
    }

    public long logoffs() {
        return fleet.logoffs.get();
    }

    public long allocationsSeen() {
        return fleet.allocations.get();
    }

    /** Live sessions found on the demo hosts at start, left from before a restart. */
    public long sessionsTakenBack() {
        return fleet.takenBack.get();
    }

    @Override
    public void close() {
        try {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The demo fleet did not stop cleanly", e);
        }
    }

    private static final class FleetVerticle extends VerticleBase {

        private final BerthApiClient api;
        private final KafkaConfig kafka;
        private final String adminToken;
        private final Settings settings;
        private final Path agentTokenFile;
        private final Map<String, SimulatedHost> hosts = new HashMap<>();
        private final Map<String, List<Long>> timersBySession = new HashMap<>();
        private final AtomicLong logons = new AtomicLong();
        private final AtomicLong logoffs = new AtomicLong();
        private final AtomicLong allocations = new AtomicLong();
        private final AtomicLong takenBack = new AtomicLong();
        private final List<Long> heartbeatTimers = new ArrayList<>();
        private TopicReader reader;
        private Instant startedAt;

        FleetVerticle(BerthApiClient api, KafkaConfig kafka, String adminToken, Settings settings,
                      Path agentTokenFile) {
            this.agentTokenFile = agentTokenFile;
            this.api = api;
            this.kafka = kafka;
            this.adminToken = adminToken;
            this.settings = settings;
        }

        @Override
        public Future<?> start() {
            startedAt = Instant.now();
            JsonObject pool = new JsonObject()
                    .put("type", "POOLED")
                    .put("loadBalancer", "BREADTH_FIRST")
                    .put("maxSessionsPerHost", settings.maxSessionsPerHost())
                    .put("personalAssignment", "AUTOMATIC")
                    .put("startVmOnConnect", false)
                    .put("heartbeatSeconds", settings.heartbeatSeconds());
            return api.putPool(adminToken, POOL_ID, pool)
                    .compose(p -> api.putAppGroup(adminToken, APP_GROUP_ID, POOL_ID, "DESKTOP", USERS, List.of(USER_GROUP)))
                    .compose(g -> api.registrationToken(adminToken, POOL_ID, 3600))
                    .compose(this::registerAll)
                    .compose(v -> adoptLiveSessions())
                    .compose(v -> {
                        // Read placements before any heartbeat makes a host eligible, so no user is missed.
                        reader = TopicReader.group(vertx, kafka, "berth-demo-fleet",
                                        "berth-demo-fleet", Topics.ALLOCATIONS, Topics.HOST_COMMANDS)
                                .handler(this::onRecords)
                                .start();
                        return reader.caughtUp();
                    })
                    .compose(v -> heartbeatAll())
                    // A failed start is not followed by stop(): close the reader here.
                    .onFailure(e -> stop())
                    .onSuccess(v -> {
                        hosts.values().forEach(this::scheduleHeartbeats);
                        LOG.info("Demo fleet: {} hosts in pool '{}', app group '{}' for users {} and group '{}'",
                                hosts.size(), POOL_ID, APP_GROUP_ID, USERS, USER_GROUP);
                    });
        }

        @Override
        public Future<?> stop() {
            heartbeatTimers.forEach(vertx::cancelTimer);
            timersBySession.values().forEach(timers -> timers.forEach(vertx::cancelTimer));
            TopicReader toClose = reader;
            return toClose == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
                toClose.close();
                return null;
            });
        }

        private Future<Void> registerAll(String registrationToken) {
            List<String> names = IntStream.rangeClosed(1, settings.hosts()).mapToObj(DemoFleet::hostName).toList();
            return storedAgentTokens().compose(stored -> {
                List<Future<JsonObject>> registrations = names.stream().map(name -> {
                    String agentToken = stored.getString(name);
                    // A token from another secret or another Kafka is refused: the host then registers anew.
                    return agentToken == null ? api.register(registrationToken, name)
                            : api.register(registrationToken, name, agentToken)
                            .recover(e -> api.register(registrationToken, name));
                }).toList();
                return Future.all(registrations).map(all -> registrations.stream().map(Future::result).toList());
            }).compose(answers -> {
                JsonObject tokens = new JsonObject();
                for (int i = 0; i < answers.size(); i++) {
                    JsonObject answer = answers.get(i);
                    String hostId = answer.getString("hostId");
                    hosts.put(hostId, new SimulatedHost(hostId, answer.getString("agentToken")));
                    tokens.put(names.get(i), answer.getString("agentToken"));
                }
                return agentTokenFile == null ? Future.<Void>succeededFuture()
                        : vertx.fileSystem().writeFile(agentTokenFile.toString(), tokens.toBuffer());
            });
        }

        /** The agent tokens kept from an earlier run, by host name (none without a file). */
        private Future<JsonObject> storedAgentTokens() {
            if (agentTokenFile == null) {
                return Future.succeededFuture(new JsonObject());
            }
            return vertx.fileSystem().exists(agentTokenFile.toString()).compose(exists -> exists
                    ? vertx.fileSystem().readFile(agentTokenFile.toString()).map(JsonObject::new)
                    : Future.succeededFuture(new JsonObject()));
        }

        /**
         * After a restart of the launcher, the users that were on the demo hosts are still there (Kafka kept
         * them): the hosts take them back, so their heartbeats report them and they log off in due course.
         */
        private Future<Void> adoptLiveSessions() {
            return api.sessionsOfPool(adminToken, POOL_ID).map(sessions -> {
                int adopted = 0;
                for (int i = 0; i < sessions.size(); i++) {
                    JsonObject session = sessions.getJsonObject(i);
                    SimulatedHost host = hosts.get(session.getString("hostId"));
                    String state = session.getString("state");
                    String sessionId = session.getString("sessionId");
                    if (host == null || sessionId == null || "ENDED".equals(state)
                            || !host.allocated(sessionId, session.getString("userId"))) {
                        continue;
                    }
                    adopted++;
                    if ("PENDING".equals(state)) {
                        schedule(sessionId, between(settings.logonDelayMin(), settings.logonDelayMax()),
                                () -> logOn(host, sessionId));
                    } else {
                        host.loggedOn(sessionId);
                        schedule(sessionId, between(settings.sessionLengthMin(), settings.sessionLengthMax()),
                                () -> logOff(host, sessionId));
                    }
                }
                takenBack.set(adopted);
                if (adopted > 0) {
                    LOG.info("Demo fleet: took back {} live session(s) from before the restart", adopted);
                }
                return null;
            });
        }

        private Future<Void> heartbeatAll() {
            return Future.all(hosts.values().stream().map(this::heartbeat).toList()).mapEmpty();
        }

        private Future<Integer> heartbeat(SimulatedHost host) {
            return api.heartbeat(host.agentToken(), host.hostId(), host.sessionIds());
        }

        private void scheduleHeartbeats(SimulatedHost host) {
            long period = TimeUnit.SECONDS.toMillis(settings.heartbeatSeconds());
            // Spread the fleet's heartbeats over the interval instead of sending them all at once.
            long firstDelay = 1 + ThreadLocalRandom.current().nextLong(period);
            heartbeatTimers.add(vertx.setTimer(firstDelay, t -> {
                heartbeat(host).onFailure(e -> LOG.warn("Demo host {}: heartbeat failed: {}", host.hostId(), e.getMessage()));
                heartbeatTimers.add(vertx.setPeriodic(period, p -> heartbeat(host)
                        .onFailure(e -> LOG.warn("Demo host {}: heartbeat failed: {}", host.hostId(), e.getMessage()))));
            }));
        }

        private Future<?> onRecords(List<ConsumerRecord<String, byte[]>> records) {
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.value() == null) {
                    continue;
                }
                try {
                    if (Topics.ALLOCATIONS.equals(record.topic())) {
                        onAllocation(EventCodec.decode(record.value(), AllocationEvent.class));
                    } else {
                        onCommand(EventCodec.decode(record.value(), HostCommandEvent.class));
                    }
                } catch (MalformedEventException e) {
                    LOG.debug("Demo fleet: skipping a malformed record on {}: {}", record.topic(), e.getMessage());
                }
            }
            return null;
        }

        private void onAllocation(AllocationEvent allocation) {
            SimulatedHost host = hosts.get(allocation.hostId());
            // Placements from before this start belong to an earlier run of the launcher: those users are gone.
            if (host == null || allocation.allocatedAt() == null || allocation.allocatedAt().isBefore(startedAt)) {
                return;
            }
            if (!host.allocated(allocation.sessionId(), allocation.userId())) {
                return;
            }
            allocations.incrementAndGet();
            long logonDelay = between(settings.logonDelayMin(), settings.logonDelayMax());
            schedule(allocation.sessionId(), logonDelay, () -> logOn(host, allocation.sessionId()));
        }

        private void onCommand(HostCommandEvent command) {
            SimulatedHost host = hosts.get(command.hostId());
            if (host == null || command.command() != HostCommandType.LOGOFF || command.sessionId() == null) {
                return;
            }
            if (host.session(command.sessionId()).isPresent()) {
                cancelTimers(command.sessionId());
                logOff(host, command.sessionId());
            }
        }

        private void logOn(SimulatedHost host, String sessionId) {
            SimulatedHost.HostedSession session = host.session(sessionId).orElse(null);
            if (session == null) {
                return;
            }
            api.sessionEvent(host.agentToken(), sessionId, "LOGON", session.userId(), host.hostId())
                    .onSuccess(v -> {
                        if (host.loggedOn(sessionId)) {
                            logons.incrementAndGet();
                            LOG.info("Demo host {}: {} logged on (session {})", host.hostId(), session.userId(), sessionId);
                            long length = between(settings.sessionLengthMin(), settings.sessionLengthMax());
                            schedule(sessionId, length, () -> logOff(host, sessionId));
                        }
                    })
                    .onFailure(e -> {
                        LOG.warn("Demo host {}: LOGON of session {} refused: {}", host.hostId(), sessionId, e.getMessage());
                        host.ended(sessionId);
                        cancelTimers(sessionId);
                    });
        }

        private void logOff(SimulatedHost host, String sessionId) {
            host.ended(sessionId).ifPresent(session -> {
                cancelTimers(sessionId);
                api.sessionEvent(host.agentToken(), sessionId, "LOGOFF", session.userId(), host.hostId())
                        .onSuccess(v -> {
                            logoffs.incrementAndGet();
                            LOG.info("Demo host {}: {} logged off (session {})", host.hostId(), session.userId(), sessionId);
                        })
                        .onFailure(e -> LOG.warn("Demo host {}: LOGOFF of session {} refused: {}", host.hostId(),
                                sessionId, e.getMessage()));
            });
        }

        private void schedule(String sessionId, long delayMillis, Runnable action) {
            long timer = vertx.setTimer(Math.max(1, delayMillis), t -> {
                List<Long> timers = timersBySession.get(sessionId);
                if (timers != null) {
                    timers.remove(Long.valueOf(t));
                    if (timers.isEmpty()) {
                        timersBySession.remove(sessionId);
                    }
                }
                action.run();
            });
            timersBySession.computeIfAbsent(sessionId, id -> new ArrayList<>()).add(timer);
        }

        private void cancelTimers(String sessionId) {
            List<Long> timers = timersBySession.remove(sessionId);
            if (timers != null) {
                timers.forEach(vertx::cancelTimer);
            }
        }

        private static long between(Duration min, Duration max) {
            long low = min.toMillis();
            long high = Math.max(low, max.toMillis());
            return low == high ? low : ThreadLocalRandom.current().nextLong(low, high + 1);
        }
    }
}
