package io.berth.broker;

import io.berth.broker.domain.PoolIndex;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One broker node against real Kafka: the connect contract, tickets, idempotency, the resources feed. */
class BrokerApiIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    static BrokerNodes nodes;
    static TopicFixture topics;
    static Connects gateway;
    static TestTokens tokens;

    @BeforeAll
    static void startBrokerOnAFedCluster() throws Exception {
        // The broker finds on Kafka what inventory-service would have published before it started.
        topics = new TopicFixture(kafka);
        kafka.kafkaConfig();
        nodes = new BrokerNodes(kafka, 1);
        io.berth.common.kafka.TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), java.time.Duration.ofSeconds(30));
        topics.pooled("office", LoadBalancer.BREADTH_FIRST, 2);
        topics.host("h1.office", "office", Health.AVAILABLE, true, null);
        topics.host("h2.office", "office", Health.AVAILABLE, true, null);
        topics.appGroup("desk", "office", List.of("alice", "carol"), List.of("staff"));
        topics.pooled("tiny", LoadBalancer.DEPTH_FIRST, 1);
        topics.host("t1.tiny", "tiny", Health.AVAILABLE, true, null);
        topics.appGroup("tiny-desk", "tiny", List.of(), List.of("staff"));
        topics.pooled("roomy", LoadBalancer.BREADTH_FIRST, 10);
        topics.host("r1.roomy", "roomy", Health.AVAILABLE, true, null);
        topics.appGroup("roomy-desk", "roomy", List.of(), List.of("roomers"));
        topics.personal("pcs", PersonalAssignment.DIRECT, true);
        topics.host("pc1.pcs", "pcs", Health.SHUTDOWN, true, "dave");
        topics.appGroup("my-pc", "pcs", List.of("dave", "erin"), List.of());
        nodes.start(0);
        nodes.awaitReady();
        tokens = new TestTokens(nodes.clientVertx());
        gateway = new Connects(nodes.web(), tokens.gateway());
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.close();
        topics.close();
    }

    private static int port() {
        return nodes.port(0);
    }

    @Test
    void readinessMeansTheCachesHoldWhatWasOnKafka() {
        PoolIndex office = ((BrokerVerticle) nodes.node(0).verticle()).index().pool("office").orElseThrow();
        assertThat(office.hostCount()).isEqualTo(2);
    }

    @Test
    void aConnectPlacesTheUserAndTheTicketVerifiesWithThePublishedKey() throws Exception {
        HttpResponse<Buffer> response = gateway.connect(port(), "alice", "desk", null, null).await();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("poolId")).isEqualTo("office");
        assertThat(body.getString("hostId")).isIn("h1.office", "h2.office");
        assertThat(body.getBoolean("reconnect")).isFalse();

        JsonObject jwks = nodes.web().get(port(), "127.0.0.1", "/api/v1/ticket-key").send().await().bodyAsJsonObject();
        JsonObject key = jwks.getJsonArray("keys").getJsonObject(0);
        assertThat(key.getString("kty")).isEqualTo("OKP");
        assertThat(key.getString("crv")).isEqualTo("Ed25519");
        String[] parts = body.getString("ticket").split("\\.");
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        assertThat(header.getString("alg")).isEqualTo("EdDSA");
        assertThat(header.getString("kid")).isEqualTo(key.getString("kid"));
        assertThat(claims.getString("sessionId")).isEqualTo(body.getString("sessionId"));
        assertThat(claims.getString("userId")).isEqualTo("alice");
        assertThat(claims.getString("hostId")).isEqualTo(body.getString("hostId"));
        assertThat(claims.getLong("exp")).isGreaterThan(Instant.now().getEpochSecond());
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(Base64.getUrlDecoder().decode(key.getString("x")), 0));
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        verifier.update(signed, 0, signed.length);
        assertThat(verifier.verifySignature(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        List<AllocationEvent> allocations = topics.allocations();
        assertThat(allocations).anySatisfy(allocation -> {
            assertThat(allocation.sessionId()).isEqualTo(body.getString("sessionId"));
            assertThat(allocation.userId()).isEqualTo("alice");
            assertThat(allocation.appGroupId()).isEqualTo("desk");
            assertThat(allocation.brokerNode()).isEqualTo("broker-0");
        });
    }

    @Test
    void connectingAgainReturnsTheSameSession() {
        JsonObject first = gateway.connect(port(), "carol", "desk", null, null).await().bodyAsJsonObject();

        HttpResponse<Buffer> again = gateway.connect(port(), "carol", "desk", null, null).await();

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("sessionId")).isEqualTo(first.getString("sessionId"));
        assertThat(again.bodyAsJsonObject().getBoolean("reconnect")).isTrue();
    }

    @Test
    void theSameIdempotencyKeyGetsTheSameAnswerAndAllocatesNothingNew() {
        HttpResponse<Buffer> first = gateway.connect(port(), "bob", "desk", List.of("staff"), "key-bob-1").await();
        HttpResponse<Buffer> second = gateway.connect(port(), "bob", "desk", List.of("staff"), "key-bob-1").await();
        HttpResponse<Buffer> misuse = gateway.connect(port(), "zed", "desk", List.of("staff"), "key-bob-1").await();

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());
        assertThat(topics.allocations()).filteredOn(a -> a.userId().equals("bob")).hasSize(1);
        assertThat(misuse.statusCode()).isEqualTo(422);
    }

    @Test
    void withoutAGatewayTokenTheAnswerIs401Or403() {
        JsonObject body = new JsonObject().put("userId", "alice").put("appGroupId", "desk");
        assertThat(nodes.web().post(port(), "127.0.0.1", "/api/v1/connect").sendJsonObject(body).await().statusCode())
                .isEqualTo(401);
        assertThat(nodes.web().post(port(), "127.0.0.1", "/api/v1/connect")
                .putHeader("Authorization", "Bearer " + tokens.admin()).sendJsonObject(body).await().statusCode())
                .isEqualTo(403);
    }

    @Test
    void badInputIsA400Problem() {
        HttpResponse<Buffer> response = nodes.web().post(port(), "127.0.0.1", "/api/v1/connect")
                .putHeader("Authorization", "Bearer " + tokens.gateway())
                .sendJsonObject(new JsonObject().put("userId", 42).put("appGroupId", "desk")).await();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void aFieldTheDocumentDoesNotDefineIsA400ProblemAndAllocatesNothing() {
        int allocationsBefore = topics.allocations().size();

        HttpResponse<Buffer> response = nodes.web().post(port(), "127.0.0.1", "/api/v1/connect")
                .putHeader("Authorization", "Bearer " + tokens.gateway())
                .sendJsonObject(new JsonObject().put("userId", "ursula").put("appGroupId", "roomy-desk")
                        .put("groups", new JsonArray().add("roomers")).put("priority", "high")).await();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(response.bodyAsJsonObject().getString("detail")).contains("priority");
        assertThat(topics.allocations()).hasSize(allocationsBefore);
    }

    @Test
    void theOpenApiDocumentIsServedWithoutAToken() {
        HttpResponse<Buffer> response = nodes.web().get(port(), "127.0.0.1", "/api/v1/openapi.json").send().await();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject document = response.bodyAsJsonObject();
        assertThat(document.getString("openapi")).isEqualTo("3.1.0");
        assertThat(document.getJsonObject("paths").fieldNames()).contains("/api/v1/connect",
                "/api/v1/users/{userId}/resources", "/api/v1/ticket-key");
    }

    @Test
    void anOverlongOrControlCharacterIdIsA400ProblemAndAllocatesNothing() {
        int allocationsBefore = topics.allocations().size();

        List<String> roomers = List.of("roomers");
        HttpResponse<Buffer> longUser = gateway.connect(port(), "a".repeat(257), "roomy-desk", roomers, null).await();
        HttpResponse<Buffer> controlUser = gateway.connect(port(), "eve\u0000\nadmin", "roomy-desk", roomers, null)
                .await();
        HttpResponse<Buffer> longGroup = gateway.connect(port(), "dave", "roomy-desk", List.of("g".repeat(257)), null)
                .await();
        HttpResponse<Buffer> longestUser = gateway.connect(port(), "b".repeat(256), "roomy-desk", roomers, null)
                .await();

        for (HttpResponse<Buffer> refused : List.of(longUser, controlUser, longGroup)) {
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.bodyAsJsonObject().getString("detail")).contains("256 characters");
        }
        assertThat(longestUser.statusCode()).as("256 characters are allowed").isEqualTo(200);
        assertThat(topics.allocations()).hasSize(allocationsBefore + 1);
    }

    @Test
    void aReplayedAnswerCarriesATicketThatIsStillValid() {
        List<String> roomers = List.of("roomers");
        HttpResponse<Buffer> first = gateway.connect(port(), "rita", "roomy-desk", roomers, "key-rita-1").await();
        HttpResponse<Buffer> replay = gateway.connect(port(), "rita", "roomy-desk", roomers, "key-rita-1").await();

        assertThat(replay.statusCode()).isEqualTo(200);
        String[] parts = replay.bodyAsJsonObject().getString("ticket").split("\\.");
        JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(claims.getLong("exp")).isGreaterThan(System.currentTimeMillis() / 1000);
        assertThat(claims.getString("sessionId")).isEqualTo(first.bodyAsJsonObject().getString("sessionId"));
        assertThat(claims.getString("userId")).isEqualTo("rita");
        assertThat(claims.getString("hostId")).isEqualTo(first.bodyAsJsonObject().getString("hostId"));
        assertThat(topics.allocations()).filteredOn(a -> a.userId().equals("rita")).hasSize(1);
    }

    @Test
    void anUnknownAppGroupIs404AndAnUnassignedUserIs403() {
        HttpResponse<Buffer> unknown = gateway.connect(port(), "alice", "nope", null, null).await();
        HttpResponse<Buffer> stranger = gateway.connect(port(), "mallory", "desk", List.of("visitors"), null).await();

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.bodyAsJsonObject().getInteger("status")).isEqualTo(404);
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.bodyAsJsonObject().getString("detail")).contains("mallory", "desk");
    }

    @Test
    void aFullPoolAnswers503WithRetryAfter() {
        assertThat(gateway.connect(port(), "first", "tiny-desk").await().statusCode()).isEqualTo(200);

        HttpResponse<Buffer> full = gateway.connect(port(), "second", "tiny-desk").await();

        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.getHeader("Retry-After")).isNotBlank();
    }

    @Test
    void aShutDownPersonalHostIsStartedAndTheAnswerIs202() {
        HttpResponse<Buffer> response = gateway.connect(port(), "dave", "my-pc", null, null).await();

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.getHeader("Retry-After")).isNotBlank();
        assertThat(topics.hostCommands()).anySatisfy(command -> {
            assertThat(command.hostId()).isEqualTo("pc1.pcs");
            assertThat(command.command()).isEqualTo(HostCommandType.START);
        });
    }

    @Test
    void aUserWithoutAHostInADirectPersonalPoolIsForbidden() {
        HttpResponse<Buffer> response = gateway.connect(port(), "erin", "my-pc", null, null).await();

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsJsonObject().getString("detail")).contains("no host");
    }

    @Test
    void theResourcesFeedListsWhatTheUserMayOpen() {
        JsonArray alice = resources("/api/v1/users/alice/resources");
        JsonArray staff = resources("/api/v1/users/someone/resources?groups=visitors,staff");
        JsonArray dave = resources("/api/v1/users/dave/resources");

        assertThat(alice).containsExactly(new JsonObject().put("appGroupId", "desk").put("type", "DESKTOP")
                .put("poolId", "office"));
        assertThat(staff.stream().map(o -> ((JsonObject) o).getString("appGroupId"))).containsExactly("desk",
                "tiny-desk");
        assertThat(dave.stream().map(o -> ((JsonObject) o).getString("appGroupId"))).containsExactly("my-pc");
    }

    @Test
    void metricsCountConnectsByOutcome() {
        gateway.connect(port(), "mallory", "desk", List.of(), null).await();

        String metrics = nodes.web().get(port(), "127.0.0.1", "/metrics").send().await().bodyAsString();

        assertThat(metrics).contains("berth_connect_requests_total{outcome=\"forbidden\"",
                "berth_connect_latency_seconds", "berth_reservation_conflicts_total", "berth_cache_entries",
                "berth_consumer_lag");
    }

    private JsonArray resources(String path) {
        HttpResponse<Buffer> response = nodes.web().get(port(), "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + tokens.gateway()).send().await();
        assertThat(response.statusCode()).isEqualTo(200);
        return response.bodyAsJsonArray();
    }
}
