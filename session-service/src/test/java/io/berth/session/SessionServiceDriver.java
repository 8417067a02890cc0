package io.berth.session;

import io.berth.common.config.ServiceName;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
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
import io.berth.common.runtime.ServiceRuntime;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Drives a session service in integration tests the way the rest of Berth does: config, heartbeats and
 * allocations produced straight onto Kafka, agent and admin calls over HTTP, {@code berth.sessions} read back.
 */
final class SessionServiceDriver implements AutoCloseable {

    private final KafkaClusterExtension kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final Vertx tokenVertx = Vertx.vertx();
    private final TestTokens tokens = new TestTokens(tokenVertx);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TopicProbe sessionsTopic;
    private final TopicProbe commandsTopic;

    SessionServiceDriver(KafkaClusterExtension kafka) {
        this.kafka = kafka;
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        sessionsTopic = new TopicProbe(kafka.bootstrapServers(), Topics.SESSIONS);
        commandsTopic = new TopicProbe(kafka.bootstrapServers(), Topics.HOST_COMMANDS);
    }

    // ---------------------------------------------------------------- the service

    RunningService start(SessionSettings settings) throws Exception {
        RunningService service = ServiceRuntime.start(kafka.serviceConfig(ServiceName.SESSION),
                        context -> new SessionVerticle(context, settings))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        // A busy machine can hold an answer past the client's timeout while the service starts: ask again.
        await("session service ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(() -> get(service, "/health/ready", null).statusCode() == 200);
        return service;
    }

    static void stop(RunningService service) throws Exception {
        if (service != null) {
            service.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- Kafka input

    void pool(String poolId, int heartbeatSeconds, int pendingTimeoutSeconds) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED,
                LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, heartbeatSeconds,
                pendingTimeoutSeconds));
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
        sendRaw(topic, key, EventCodec.encode(event));
    }

    void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    // ---------------------------------------------------------------- Kafka output

    /** The session's records on {@code berth.sessions} so far, in order (a tombstone is empty). */
    List<Optional<SessionEvent>> sessionRecords(String sessionId) {
        return sessionsTopic.records(sessionId).stream().map(SessionServiceDriver::sessionEvent).toList();
    }

    List<ConsumerRecord<String, byte[]>> commandRecords(String hostId) {
        return commandsTopic.records(hostId);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(service, path)).GET();
        return call(request, token);
    }

    HttpResponse<String> post(RunningService service, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(service, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return call(request, token);
    }

    private HttpResponse<String> call(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", TestTokens.bearer(token));
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(RunningService service, String path) {
        return URI.create("http://127.0.0.1:" + service.httpPort() + path);
    }

    private static String tokenIdOf(String hostId) {
        return "jti-" + hostId;
    }

    @Override
    public void close() {
        sessionsTopic.close();
        commandsTopic.close();
        producer.close(Duration.ofSeconds(5));
        tokenVertx.close();
    }
}
