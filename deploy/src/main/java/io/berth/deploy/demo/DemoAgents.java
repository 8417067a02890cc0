package io.berth.deploy.demo;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostLoad;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.deploy.client.BerthApiClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.berth.deploy.demo.DemoFleet.APP_GROUP_ID;
import static io.berth.deploy.demo.DemoFleet.POOL_ID;
import static io.berth.deploy.demo.DemoFleet.USERS;
import static io.berth.deploy.demo.DemoFleet.USER_GROUP;

/**
 * The demo fleet's agents, as one verticle: sets up the demo pool and app group as an operator, registers
 * the hosts (taking back the sessions they had before a restart), heartbeats with a load that follows the
 * sessions, and logs each user placed on a host on and, a while later, off; a {@code LOGOFF} in a heartbeat
 * answer ends a session at once, and the power commands on {@code berth.host-commands} stop and start hosts
 * (see {@link HostAgents}).
 */
final class DemoAgents extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAgents.class);

    private final BerthApiClient api;
    private final KafkaConfig kafka;
    private final String adminToken;
    private final DemoFleet.Settings settings;
    private final Path agentTokenPath;
    private final Map<String, SimulatedHost> hosts = new HashMap<>();
    private final AtomicLong logons = new AtomicLong();
    private final AtomicLong logoffs = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong takenBack = new AtomicLong();
    private final List<Long> heartbeatTimers = new ArrayList<>();
    private AgentTokenFile agentTokens;
    private HostAgents agents;
    private SessionTimers timers;
    private TopicReader reader;
    private Instant startedAt;

    DemoAgents(BerthApiClient api, KafkaConfig kafka, String adminToken, DemoFleet.Settings settings,
               Path agentTokenPath) {
        this.agentTokenPath = agentTokenPath;
        this.api = api;
        this.kafka = kafka;
        this.adminToken = adminToken;
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        startedAt = Instant.now();
        agentTokens = new AgentTokenFile(vertx, agentTokenPath);
        timers = new SessionTimers(vertx);
        agents = new HostAgents(vertx, api, settings.bootTime(), hosts::get, this::logOff,
                e -> LOG.warn("Demo fleet: heartbeat failed: {}", e.getMessage()));
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
                            // The demo logs users on after a delay anyway: no need to ask Kafka 100 times a second.
                            .relaxedFetch()
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
        if (timers != null) {
            timers.cancelAll();
        }
        TopicReader toClose = reader;
        return toClose == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            toClose.close();
            return null;
        });
    }

    private Future<Void> registerAll(String registrationToken) {
        List<String> names = IntStream.rangeClosed(1, settings.hosts()).mapToObj(DemoFleet::hostName).toList();
        return agentTokens.read().compose(stored -> {
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
            return agentTokens.write(tokens);
        });
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
                    timers.schedule(sessionId, settings.logonDelayMin(), settings.logonDelayMax(),
                            () -> logOn(host, sessionId));
                } else {
                    host.loggedOn(sessionId);
                    timers.schedule(sessionId, settings.sessionLengthMin(), settings.sessionLengthMax(),
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

    private Future<?> heartbeat(SimulatedHost host) {
        host.reportLoad(loadOf(host.sessionCount()));
        return agents.heartbeat(host);
    }

    /** A plausible load for a demo host: each user adds some CPU and memory to an idle VM's. */
    static HostLoad loadOf(int sessions) {
        return new HostLoad(Math.min(100, 8 + 18 * sessions), Math.min(100, 30 + 12 * sessions));
    }

    private void scheduleHeartbeats(SimulatedHost host) {
        long period = TimeUnit.SECONDS.toMillis(settings.heartbeatSeconds());
        // Spread the fleet's heartbeats over the interval instead of sending them all at once.
        long firstDelay = 1 + ThreadLocalRandom.current().nextLong(period);
        heartbeatTimers.add(vertx.setTimer(firstDelay, t -> {
            heartbeat(host);
            heartbeatTimers.add(vertx.setPeriodic(period, p -> heartbeat(host)));
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
                    agents.powerCommand(EventCodec.decode(record.value(), HostCommandEvent.class));
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
        timers.schedule(allocation.sessionId(), settings.logonDelayMin(), settings.logonDelayMax(),
                () -> logOn(host, allocation.sessionId()));
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
                        timers.schedule(sessionId, settings.sessionLengthMin(), settings.sessionLengthMax(),
                                () -> logOff(host, sessionId));
                    }
                })
                .onFailure(e -> {
                    LOG.warn("Demo host {}: LOGON of session {} refused: {}", host.hostId(), sessionId, e.getMessage());
                    host.ended(sessionId);
                    timers.cancel(sessionId);
                });
    }

    private void logOff(SimulatedHost host, String sessionId) {
        host.ended(sessionId).ifPresent(session -> {
            timers.cancel(sessionId);
            api.sessionEvent(host.agentToken(), sessionId, "LOGOFF", session.userId(), host.hostId())
                    .onSuccess(v -> {
                        logoffs.incrementAndGet();
                        LOG.info("Demo host {}: {} logged off (session {})", host.hostId(), session.userId(), sessionId);
                    })
                    .onFailure(e -> LOG.warn("Demo host {}: LOGOFF of session {} refused: {}", host.hostId(),
                            sessionId, e.getMessage()));
        });
    }

    Future<JsonObject> attach(DemoScalingPlan plan) {
        return api.putScalingPlan(adminToken, DemoScalingPlan.PLAN_ID, plan.toJson(POOL_ID))
                .onSuccess(p -> LOG.info("Demo fleet: scaling plan '{}' on pool '{}': ramp-down since {} ({}), off-peak at {}",
                        DemoScalingPlan.PLAN_ID, POOL_ID, plan.rampDown(), plan.zone().getId(), plan.offPeak()));
    }

    int hostCount() {
        return hosts.size();
    }

    long logons() {
        return logons.get();
    }

    long logoffs() {
        return logoffs.get();
    }

    long allocations() {
        return allocations.get();
    }

    long takenBack() {
        return takenBack.get();
    }

    HostAgents agents() {
        return agents;
    }
}
