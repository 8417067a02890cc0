package io.berth.session;

import io.berth.common.config.ServiceName;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.EventWriter;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.berth.common.testing.TopicRecorder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Drives a session service in integration tests the way the rest of Berth does: config, heartbeats and
 * allocations produced straight onto Kafka, agent and admin calls over HTTP, {@code berth.sessions} read back.
 */
final class SessionServiceDriver implements AutoCloseable {

    private final KafkaClusterExtension kafka;
    private final EventWriter writer;
    private final Vertx tokenVertx = Vertx.vertx();
    private final TestTokens tokens = new TestTokens(tokenVertx);
    private final TopicRecorder<byte[]> sessionsTopic;
    private final TopicRecorder<byte[]> commandsTopic;

    SessionServiceDriver(KafkaClusterExtension kafka) {
        this.kafka = kafka;
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        writer = new EventWriter(kafka.kafkaConfig());
        sessionsTopic = TopicRecorder.of(kafka.kafkaConfig(), Topics.SESSIONS);
        commandsTopic = TopicRecorder.of(kafka.kafkaConfig(), Topics.HOST_COMMANDS);
    }

    // ---------------------------------------------------------------- the service

    RunningService start(SessionSettings settings) throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.SESSION),
                context -> new SessionVerticle(context, settings));
    }

    /** A service whose decisions read {@code clock} (a {@code MutableClock}: timeouts without waiting them out). */
    RunningService start(SessionSettings settings, Clock clock) throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.SESSION),
                context -> new SessionVerticle(context, settings, clock));
    }

    static void stop(RunningService service) throws Exception {
        ServiceUnderTest.stop(service);
    }

    // ---------------------------------------------------------------- Kafka input

    void pool(String poolId, int heartbeatSeconds, int pendingTimeoutSeconds) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED,
                LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, heartbeatSeconds,
                pendingTimeoutSeconds));
    }

    /** A pool with session limits (DESIGN.md 7.5), minutes each, 0 for none; a 600 s pending timeout. */
    void poolWithLimits(String poolId, int heartbeatSeconds, int disconnectedTimeoutMinutes, int maxSessionMinutes,
                        int limitWarningMinutes) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED,
                LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, heartbeatSeconds, 600, 0, null,
                disconnectedTimeoutMinutes, maxSessionMinutes, limitWarningMinutes));
    }

    void registration(String hostId, String poolId) {
        send(Topics.CONFIG, ConfigKey.host(hostId).asString(),
                new HostRegistration(1, hostId, poolId, Instant.now(), tokenIdOf(hostId)));
    }

    void hostRemoval(String hostId) {
        sendRaw(Topics.CONFIG, ConfigKey.host(hostId).asString(), null);
    }

    void heartbeat(String hostId, String poolId, List<String> sessionIds) {
        send(Topics.HOST_HEALTH, hostId, new HostHealthEvent(1, hostId, poolId, Health.AVAILABLE, true, null,
                sessionIds, Instant.now(), List.of()));
    }

    void allocation(String sessionId, String userId, String poolId, String hostId) {
        allocation(sessionId, userId, poolId, hostId, Instant.now());
    }

    /** An allocation the broker made at {@code allocatedAt} (in the past: while the session service was down). */
    void allocation(String sessionId, String userId, String poolId, String hostId, Instant allocatedAt) {
        send(Topics.ALLOCATIONS, sessionId, new AllocationEvent(1, sessionId, userId, poolId, hostId, "desktop",
                allocatedAt, "broker-test"));
    }

    void send(String topic, String key, Event event) {
        writer.send(topic, key, event);
    }

    void sendRaw(String topic, String key, byte[] value) {
        writer.sendRaw(topic, key, value);
    }

    // ---------------------------------------------------------------- Kafka output

    /** The session's records on {@code berth.sessions} so far, in order (a tombstone is empty). */
    List<Optional<SessionEvent>> sessionRecords(String sessionId) {
        return sessionsTopic.records(sessionId).stream().map(SessionServiceDriver::sessionEvent).toList();
    }

    List<ConsumerRecord<String, byte[]>> commandRecords(String hostId) {
        return commandsTopic.records(hostId);
    }

    /** The commands for {@code hostId} on {@code berth.host-commands} so far, in order. */
    List<HostCommandEvent> commands(String hostId) {
        return commandsTopic.records(hostId).stream().map(record -> {
            try {
                return EventCodec.decode(record.value(), HostCommandEvent.class);
            } catch (MalformedEventException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static Optional<SessionEvent> sessionEvent(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventCodec.decode(record.value(), SessionEvent.class));
        } catch (MalformedEventException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- HTTP

    String adminToken() {
        return tokens.admin();
    }

    String agentToken(String hostId) {
        return tokens.agent(hostId, tokenIdOf(hostId));
    }

    String agentTokenWithId(String hostId, String tokenId) {
        return tokens.agent(hostId, tokenId);
    }

    HttpResponse<String> report(RunningService service, String sessionId, String agentToken, JsonObject body) {
        return post(service, "/api/v1/agent/sessions/" + sessionId + "/events", agentToken, body.encode());
    }

    HttpResponse<String> report(RunningService service, String sessionId, String type, String userId,
                                String hostId) {
        return report(service, sessionId, agentToken(hostId),
                new JsonObject().put("type", type).put("userId", userId).put("hostId", hostId));
    }

    /** The session as the admin API answers it; empty on 404. */
    Optional<JsonObject> session(RunningService service, String sessionId) {
        HttpResponse<String> response = get(service, "/api/v1/sessions/" + sessionId, adminToken());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET session " + sessionId + ": " + response.statusCode() + " "
                    + response.body());
        }
        return Optional.of(new JsonObject(response.body()));
    }

    String stateOf(RunningService service, String sessionId) {
        return session(service, sessionId).map(json -> json.getString("state")).orElse(null);
    }

    JsonArray list(RunningService service, String query) {
        HttpResponse<String> response = get(service, "/api/v1/sessions" + query, adminToken());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET sessions" + query + ": " + response.statusCode());
        }
        return new JsonArray(response.body());
    }

    HttpResponse<String> get(RunningService service, String path, String token) {
        return new ApiClient(service.httpPort()).exchange("GET", path, token, null);
    }

    HttpResponse<String> post(RunningService service, String path, String token, String body) {
        return new ApiClient(service.httpPort()).exchange("POST", path, token, body);
    }

    private static String tokenIdOf(String hostId) {
        return "jti-" + hostId;
    }

    @Override
    public void close() {
        sessionsTopic.close();
        commandsTopic.close();
        writer.close();
        tokenVertx.close();
    }
}
