package io.berth.inventory;

import io.berth.common.config.ServiceName;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.EventWriter;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.berth.common.testing.TopicRecorder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inventory-service against a real Kafka broker: its whole admin and agent API, what it publishes on
 * berth.config and berth.host-health, what it reads from berth.sessions and berth.allocations, and its
 * restart from Kafka alone. Each test works in pools of its own, so tests share one service.
 */
class InventoryServiceIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static RunningService service;
    private static ApiClient api;
    private static TestTokens tokens;
    private static String admin;
    private static TopicRecorder<String> config;
    private static TopicRecorder<String> health;

    @BeforeAll
    static void startService() throws Exception {
        service = start();
        api = new ApiClient(service.httpPort());
        tokens = new TestTokens(service.vertx());
        admin = tokens.admin();
        config = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.CONFIG);
        health = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.HOST_HEALTH);
    }

    @AfterAll
    static void stopService() throws Exception {
        config.close();
        health.close();
        service.close().await(30, TimeUnit.SECONDS);
    }

    private static RunningService start() throws Exception {
        return ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY), InventoryVerticle::new);
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject pooledPool(int heartbeatSeconds) {
        return new JsonObject().put("type", "POOLED").put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 5)
                .put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false)
                .put("heartbeatSeconds", heartbeatSeconds);
    }

    private static JsonObject personalPool(String assignment) {
        return new JsonObject().put("type", "PERSONAL").put("loadBalancer", "DEPTH_FIRST").put("maxSessionsPerHost", 1)
                .put("personalAssignment", assignment).put("startVmOnConnect", true);
    }

    private static void createPool(String poolId, JsonObject body) {
        assertThat(api.put("/api/v1/hostpools/" + poolId, admin, body).status()).isEqualTo(200);
    }

    private static String registrationToken(String poolId, int ttlSeconds) {
        ApiClient.Answer answer = api.post("/api/v1/hostpools/" + poolId + "/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", ttlSeconds));
        assertThat(answer.status()).isEqualTo(201);
        return answer.json().getString("token");
    }

    /** Registers a host and answers its agent token. */
    private static String register(String poolId, String hostName) {
        return register(poolId, hostName, null);
    }

    /** Registers a host, or renews it with its current agent token (DESIGN.md 7.8), and answers its agent token. */
    private static String register(String poolId, String hostName, String currentAgentToken) {
        ApiClient.Answer answer = api.post("/api/v1/agent/register", currentAgentToken, new JsonObject()
                .put("registrationToken", registrationToken(poolId, 600)).put("hostName", hostName));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().getString("agentToken");
    }

    private static ApiClient.Answer heartbeat(String agentToken, String hostId, String status, List<String> sessions) {
        return api.post("/api/v1/agent/heartbeat", agentToken, new JsonObject().put("hostId", hostId).put("status", status)
                .put("sessionIds", new JsonArray(sessions))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("name", "disk").put("ok", true))));
    }

    private static JsonObject host(String poolId, String hostId) {
        return api.get("/api/v1/hostpools/" + poolId + "/hosts", admin).array().stream()
                .map(JsonObject.class::cast).filter(h -> h.getString("hostId").equals(hostId)).findFirst().orElseThrow();
    }

    private static JsonObject value(ConsumerRecord<String, String> record) {
        return new JsonObject(record.value());
    }

    private static void publish(String topic, String key, byte[] value) {
        try (EventWriter writer = new EventWriter(kafka.kafkaConfig())) {
            writer.sendRaw(topic, key, value);
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void theAdminApiManagesPoolsGroupsAndHostsAndPublishesEveryChange() {
        // when a pool and an application group are created
        ApiClient.Answer pool = api.put("/api/v1/hostpools/office", admin, pooledPool(30).put("pendingTimeoutSeconds", 90));
        ApiClient.Answer group = api.put("/api/v1/appgroups/office-desktop", admin, new JsonObject().put("poolId", "office")
                .put("type", "DESKTOP").put("users", new JsonArray().add("alice")).put("groups", new JsonArray().add("staff")));

        // then they are answered, listed and on berth.config
        assertThat(pool.status()).isEqualTo(200);
        assertThat(pool.json().getMap()).containsEntry("poolId", "office").containsEntry("heartbeatSeconds", 30)
                .containsEntry("pendingTimeoutSeconds", 90).containsEntry("maxSessionsPerHost", 5);
        assertThat(group.status()).isEqualTo(200);
        assertThat(api.get("/api/v1/hostpools", admin).array().stream().map(p -> ((JsonObject) p).getString("poolId")))
                .contains("office");
        assertThat(api.get("/api/v1/hostpools/office", admin).json()).isEqualTo(pool.json());
        assertThat(api.get("/api/v1/appgroups/office-desktop", admin).json().getJsonArray("groups")).containsExactly("staff");
        assertThat(value(config.awaitLatest("pool/office", r -> r.value() != null)).getInteger("maxSessionsPerHost"))
                .isEqualTo(5);
        assertThat(value(config.awaitLatest("appgroup/office-desktop", r -> r.value() != null)).getString("type"))
                .isEqualTo("DESKTOP");

        // when a registration token is issued, then only its hash is on berth.config
        ApiClient.Answer issued = api.post("/api/v1/hostpools/office/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 600));
        assertThat(issued.status()).isEqualTo(201);
        String token = issued.json().getString("token");
        assertThat(Instant.parse(issued.json().getString("expiresAt"))).isAfter(Instant.now().plusSeconds(590));
        ConsumerRecord<String, String> tokenRecord = config.awaitFirst(r -> r.key().startsWith("regtoken/")
                && r.value() != null && r.value().contains("\"office\""));
        assertThat(tokenRecord.value()).doesNotContain(token).contains("tokenHash", "expiresAt");

        // when an agent registers and heartbeats
        ApiClient.Answer registered = api.post("/api/v1/agent/register", null,
                new JsonObject().put("registrationToken", token).put("hostName", "VM-Office-1.Corp.Example"));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().getMap()).containsEntry("hostId", "vm-office-1.corp.example")
                .containsEntry("poolId", "office").containsEntry("heartbeatSeconds", 30).containsKey("agentToken");
        String agent = registered.json().getString("agentToken");
        ApiClient.Answer beat = heartbeat(agent, "vm-office-1.corp.example", "AVAILABLE", List.of("s-1"));

        // then the host is registered on berth.config, healthy on berth.host-health and listed
        assertThat(beat.status()).isEqualTo(200);
        assertThat(beat.json().getInteger("nextHeartbeatSeconds")).isEqualTo(30);
        assertThat(value(config.awaitLatest("host/vm-office-1.corp.example", r -> r.value() != null))
                .getString("agentTokenId")).isNotBlank();
        JsonObject snapshot = value(health.awaitLatest("vm-office-1.corp.example",
                r -> r.value() != null && r.value().contains("\"AVAILABLE\"")));
        assertThat(snapshot.getMap()).containsEntry("poolId", "office").containsEntry("allowNewSessions", true)
                .containsEntry("assignedUser", null).containsKey("lastHeartbeat");
        assertThat(snapshot.getJsonArray("sessionIds")).containsExactly("s-1");
        assertThat(snapshot.getJsonArray("healthChecks").getJsonObject(0).getString("name")).isEqualTo("disk");
        JsonObject listed = host("office", "vm-office-1.corp.example");
        assertThat(listed.getMap()).containsEntry("health", "AVAILABLE").containsEntry("sessions", 0)
                .containsEntry("maxSessions", 5).containsEntry("allowNewSessions", true);
        assertThat(listed.getString("lastHeartbeat")).isNotNull();

        // when the host is drained, then the change is answered and published
        ApiClient.Answer drained = api.patch("/api/v1/hosts/vm-office-1.corp.example", admin,
                new JsonObject().put("allowNewSessions", false));
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.json().getBoolean("allowNewSessions")).isFalse();
        health.awaitLatest("vm-office-1.corp.example", r -> r.value() != null && value(r).getBoolean("allowNewSessions") == false);

        // then the pool cannot be deleted while the host remains
        ApiClient.Answer refused = api.delete("/api/v1/hostpools/office", admin);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");

        // when the host, the group and the pool are deleted, then tombstones follow
        assertThat(api.delete("/api/v1/hosts/vm-office-1.corp.example", admin).status()).isEqualTo(204);
        config.awaitLatest("host/vm-office-1.corp.example", r -> r.value() == null);
        health.awaitLatest("vm-office-1.corp.example", r -> r.value() == null);
        assertThat(api.get("/api/v1/hostpools/office/hosts", admin).array()).isEmpty();
        assertThat(heartbeat(agent, "vm-office-1.corp.example", "AVAILABLE", List.of()).status())
                .as("a removed host's token is revoked").isEqualTo(401);
        assertThat(api.delete("/api/v1/appgroups/office-desktop", admin).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/appgroups/office-desktop", admin).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/hostpools/office", admin).status()).isEqualTo(204);
        config.awaitLatest("pool/office", r -> r.value() == null);
        config.awaitLatest(tokenRecord.key(), r -> r.value() == null);
        assertThat(api.get("/api/v1/hostpools/office", admin).status()).isEqualTo(404);
    }

    @Test
    void anAgentSpeaksOnlyForItsOwnHostWithItsCurrentToken() {
        // given two registered hosts
        createPool("agents", pooledPool(30));
        String first = register("agents", "vm-a1");
        String second = register("agents", "vm-a2");

        // then a token cannot speak for the other host, nor can non-agent tokens or no token
        assertThat(heartbeat(first, "vm-a2", "AVAILABLE", List.of()).status()).isEqualTo(403);
        assertThat(heartbeat(admin, "vm-a1", "AVAILABLE", List.of()).status()).isEqualTo(403);
        assertThat(heartbeat(null, "vm-a1", "AVAILABLE", List.of()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/hostpools", second).status()).as("an agent is no admin").isEqualTo(403);
        assertThat(heartbeat(tokens.agent("vm-a1", "made-up"), "vm-a1", "AVAILABLE", List.of()).status())
                .as("a jti that was never issued").isEqualTo(401);

        // when the first host registers again, then its old token is revoked and the new one works
        String renewed = register("agents", "vm-a1", first);
        assertThat(heartbeat(first, "vm-a1", "AVAILABLE", List.of()).status()).isEqualTo(401);
        assertThat(heartbeat(renewed, "vm-a1", "AVAILABLE", List.of()).status()).isEqualTo(200);
        assertThat(heartbeat(second, "vm-a2", "AVAILABLE", List.of()).status()).isEqualTo(200);
    }

    @Test
    void anExpiredOrUnknownRegistrationTokenIsUnauthorized() {
        // given a token valid for one second
        createPool("expiring", pooledPool(30));
        ApiClient.Answer issued = api.post("/api/v1/hostpools/expiring/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 1));
        Instant expiresAt = Instant.parse(issued.json().getString("expiresAt"));
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expiresAt));

        // when it is used, or a made-up one
        ApiClient.Answer expired = api.post("/api/v1/agent/register", null, new JsonObject()
                .put("registrationToken", issued.json().getString("token")).put("hostName", "vm-late"));
        ApiClient.Answer unknown = api.post("/api/v1/agent/register", null, new JsonObject()
                .put("registrationToken", "brt_made-up").put("hostName", "vm-late"));

        // then both are 401 problems and no host appears
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.contentType()).startsWith("application/problem+json");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(api.get("/api/v1/hostpools/expiring/hosts", admin).array()).isEmpty();
        assertThat(api.get("/metrics", null).body()).contains("berth_registrations_total{outcome=\"rejected\"");
    }

    @Test
    void aRegisteredHostIsNotTakenOverWithAnotherPoolsTokenAndItsAgentKeepsWorking() {
        // given vm-t1 registered and heartbeating in pool "victim"
        createPool("victim", pooledPool(30));
        createPool("intruder", pooledPool(30));
        String agent = register("victim", "vm-t1");
        assertThat(heartbeat(agent, "vm-t1", "AVAILABLE", List.of()).status()).isEqualTo(200);

        // when a token of another pool registers the same host name, without and with the agent's own token,
        // and a token of its own pool without the agent token
        ApiClient.Answer takeover = api.post("/api/v1/agent/register", null, new JsonObject()
                .put("registrationToken", registrationToken("intruder", 600)).put("hostName", "VM-T1"));
        ApiClient.Answer withAgentToken = api.post("/api/v1/agent/register", agent, new JsonObject()
                .put("registrationToken", registrationToken("intruder", 600)).put("hostName", "vm-t1"));
        ApiClient.Answer samePool = api.post("/api/v1/agent/register", null, new JsonObject()
                .put("registrationToken", registrationToken("victim", 600)).put("hostName", "vm-t1"));

        // then each is a 409 problem, the host stays where it was and its agent keeps working
        assertProblem(takeover, 409, "already registered");
        assertProblem(withAgentToken, 409, "another pool");
        assertProblem(samePool, 409, "already registered");
        assertThat(host("victim", "vm-t1").getString("health")).isEqualTo("AVAILABLE");
        assertThat(api.get("/api/v1/hostpools/intruder/hosts", admin).array()).isEmpty();
        assertThat(heartbeat(agent, "vm-t1", "AVAILABLE", List.of()).status()).isEqualTo(200);
        assertThat(value(config.awaitLatest("host/vm-t1", r -> r.value() != null)).getString("poolId"))
                .isEqualTo("victim");

        // and once an admin removed it, the other pool's token registers it
        assertThat(api.delete("/api/v1/hosts/vm-t1", admin).status()).isEqualTo(204);
        String moved = register("intruder", "vm-t1");
        assertThat(heartbeat(agent, "vm-t1", "AVAILABLE", List.of()).status()).isEqualTo(401);
        assertThat(heartbeat(moved, "vm-t1", "AVAILABLE", List.of()).status()).isEqualTo(200);
    }

    @Test
    void aRegistrationTokenRegistersAtMostMaxHosts() {
        // given a token for two hosts
        createPool("limited", pooledPool(30));
        ApiClient.Answer issued = api.post("/api/v1/hostpools/limited/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 600).put("maxHosts", 2));
        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.json().getInteger("usesLeft")).isEqualTo(2);
        String token = issued.json().getString("token");

        // when three hosts register with it
        List<Integer> statuses = List.of("vm-l1", "vm-l2", "vm-l3").stream()
                .map(name -> api.post("/api/v1/agent/register", null, new JsonObject().put("registrationToken", token)
                        .put("hostName", name)).status())
                .toList();

        // then the third is refused, and only two hosts exist
        assertThat(statuses).containsExactly(201, 201, 401);
        assertThat(api.get("/api/v1/hostpools/limited/hosts", admin).array()).hasSize(2);
        assertThat(api.post("/api/v1/hostpools/limited/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 600).put("maxHosts", 0)).status()).isEqualTo(400);
    }

    @Test
    void badInputIsA4xxProblemAndChangesNothing() {
        // given
        createPool("strict", pooledPool(30));
        String agent = register("strict", "vm-s1");
        JsonObject before = api.get("/api/v1/hostpools/strict", admin).json();
        int configRecords = config.records().size();

        // then every kind of bad input is a 4xx problem
        assertProblem(api.send("PUT", "/api/v1/hostpools/strict", admin, "{\"type\": "), 400, "not valid JSON");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, pooledPool(30).put("maxSessionsPerHost", "many")), 400,
                "maxSessionsPerHost");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, pooledPool(30).put("maxSessionsPerHost", 10_001)), 400,
                "maxSessionsPerHost");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, pooledPool(30).put("type", "SHARED")), 400,
                "POOLED, PERSONAL");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, pooledPool(30).put("heartbeatSeconds", 0)), 400,
                "heartbeatSeconds");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, new JsonArray()), 400, "JSON object");
        JsonObject missing = pooledPool(30);
        missing.remove("loadBalancer");
        assertProblem(api.put("/api/v1/hostpools/strict", admin, missing), 400, "loadBalancer");
        assertProblem(api.put("/api/v1/hostpools/strict", admin,
                pooledPool(30).put("padding", "x".repeat(70 * 1024))), 413, "larger than");
        assertProblem(api.put("/api/v1/appgroups/ghost-group", admin, new JsonObject().put("poolId", "ghost")
                .put("type", "DESKTOP").put("users", new JsonArray()).put("groups", new JsonArray())), 404, "ghost");
        assertProblem(api.put("/api/v1/appgroups/g", admin, new JsonObject().put("poolId", "strict")
                .put("type", "WEB").put("users", new JsonArray()).put("groups", new JsonArray())), 400, "DESKTOP");
        assertProblem(api.post("/api/v1/hostpools/ghost/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", 60)), 404, "ghost");
        assertProblem(api.post("/api/v1/hostpools/strict/registration-tokens", admin,
                new JsonObject().put("ttlSeconds", -1)), 400, "ttlSeconds");
        assertProblem(api.get("/api/v1/hostpools/ghost/hosts", admin), 404, "ghost");
        assertProblem(api.patch("/api/v1/hosts/ghost", admin, new JsonObject().put("allowNewSessions", false)), 404,
                "ghost");
        assertProblem(api.patch("/api/v1/hosts/vm-s1", admin, new JsonObject().put("allowNewSessions", "no")), 400,
                "allowNewSessions");
        assertProblem(api.patch("/api/v1/hosts/vm-s1", admin, new JsonObject().put("assignedUser", "alice")), 409,
                "POOLED");
        assertProblem(api.delete("/api/v1/hosts/ghost", admin), 404, "ghost");
        assertProblem(api.delete("/api/v1/appgroups/ghost", admin), 404, "ghost");
        assertProblem(api.post("/api/v1/agent/register", null, new JsonObject().put("registrationToken", 5)), 400,
                "registrationToken");
        assertProblem(api.post("/api/v1/agent/heartbeat", agent, new JsonObject().put("hostId", "vm-s1")
                .put("status", "RUNNING")), 400, "status");

        // and nothing changed
        assertThat(api.get("/api/v1/hostpools/strict", admin).json()).isEqualTo(before);
        assertThat(host("strict", "vm-s1").getString("health")).isEqualTo("UNAVAILABLE");
        assertThat(config.records()).hasSize(configRecords);
    }

    private static void assertProblem(ApiClient.Answer answer, int status, String detail) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().getInteger("status")).isEqualTo(status);
        assertThat(answer.json().getString("detail")).contains(detail);
    }

    @Test
    void personalHostsAreAssignedByAdminsOrByTheBrokersAllocations() throws Exception {
        // given a DIRECT and an AUTOMATIC personal pool with hosts
        createPool("direct", personalPool("DIRECT"));
        createPool("auto", personalPool("AUTOMATIC"));
        register("direct", "vm-d1");
        register("direct", "vm-d2");
        register("auto", "vm-p1");

        // when an admin assigns alice, then she has that host, and no second one in the pool
        ApiClient.Answer assigned = api.patch("/api/v1/hosts/vm-d1", admin, new JsonObject().put("assignedUser", "alice"));
        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.json().getString("assignedUser")).isEqualTo("alice");
        health.awaitLatest("vm-d1", r -> r.value() != null && "alice".equals(value(r).getString("assignedUser")));
        assertThat(api.patch("/api/v1/hosts/vm-d2", admin, new JsonObject().put("assignedUser", "alice")).status())
                .isEqualTo(409);

        // when the broker allocates bob's first session on an unassigned AUTOMATIC host
        publish(Topics.ALLOCATIONS, "sess-bob", EventCodec.encode(new AllocationEvent(1, "sess-bob", "bob", "auto",
                "vm-p1", "auto-desktop", Instant.now(), "broker-1")));

        // then the inventory records him as the host's user, on the topic and in the API
        health.awaitLatest("vm-p1", r -> r.value() != null && "bob".equals(value(r).getString("assignedUser")));
        assertThat(host("auto", "vm-p1").getString("assignedUser")).isEqualTo("bob");

        // when an admin unassigns, then null is published
        JsonObject unassign = new JsonObject().putNull("assignedUser");
        assertThat(api.patch("/api/v1/hosts/vm-d1", admin, unassign).json().getString("assignedUser")).isNull();
        health.awaitLatest("vm-d1", r -> r.value() != null && value(r).getString("assignedUser") == null);
    }

    @Test
    void theHostsListingCountsLiveSessionsFromTheSessionsTopic() throws Exception {
        // given
        createPool("busy", pooledPool(30));
        register("busy", "vm-b1");
        Instant now = Instant.now();

        // when the session service reports two live sessions and one ended
        for (var session : List.of(
                new SessionEvent(1, "b-1", "u1", "busy", "vm-b1", SessionState.ACTIVE, now, now, null),
                new SessionEvent(1, "b-2", "u2", "busy", "vm-b1", SessionState.PENDING, now, now, null),
                new SessionEvent(1, "b-3", "u3", "busy", "vm-b1", SessionState.DISCONNECTED, now, now, null),
                new SessionEvent(1, "b-3", "u3", "busy", "vm-b1", SessionState.ENDED, now, now, "LOGOFF"))) {
            publish(Topics.SESSIONS, session.sessionId(), EventCodec.encode(session));
        }

        // then the listing shows two
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(host("busy", "vm-b1").getInteger("sessions")).isEqualTo(2));
    }

    @Test
    void aHostThatStopsHeartbeatingTurnsNoHeartbeatAndRecovers() {
        // given a host heartbeating in a pool with a one-second interval
        createPool("fast", pooledPool(1));
        String agent = register("fast", "vm-f1");
        assertThat(heartbeat(agent, "vm-f1", "AVAILABLE", List.of()).json().getInteger("nextHeartbeatSeconds")).isEqualTo(1);
        ConsumerRecord<String, String> available = health.awaitFirst(r -> "vm-f1".equals(r.key()) && r.value() != null
                && "AVAILABLE".equals(value(r).getString("health")));

        // when it stays silent for three intervals, then the timer publishes NO_HEARTBEAT
        ConsumerRecord<String, String> silent = health.awaitFirst(r -> "vm-f1".equals(r.key())
                && r.offset() > available.offset() && "NO_HEARTBEAT".equals(value(r).getString("health")));
        assertThat(value(silent).getString("lastHeartbeat")).isEqualTo(value(available).getString("lastHeartbeat"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(host("fast", "vm-f1").getString("health")).isEqualTo("NO_HEARTBEAT"));

        // when it heartbeats again, then it recovers
        assertThat(heartbeat(agent, "vm-f1", "AVAILABLE", List.of()).status()).isEqualTo(200);
        health.awaitFirst(r -> "vm-f1".equals(r.key()) && r.offset() > silent.offset()
                && "AVAILABLE".equals(value(r).getString("health")));
        assertThat(api.get("/metrics", null).body()).contains("berth_hosts{", "pool=\"fast\"", "berth_heartbeats_total");
    }

    @Test
    void concurrentHeartbeatsAndAdminChangesNeverUndoEachOther() throws Exception {
        // given hosts whose agents heartbeat while an admin drains them all
        createPool("storm", pooledPool(30));
        int hostCount = 12;
        List<String> agents = new java.util.ArrayList<>();
        for (int i = 0; i < hostCount; i++) {
            agents.add(register("storm", "vm-storm-" + i));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            // when heartbeats (each with other sessions) and drain requests run at the same time
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < hostCount; i++) {
                    String hostId = "vm-storm-" + i;
                    String agent = agents.get(i);
                    List<String> sessions = List.of("storm-" + i + "-" + round);
                    answers.add(pool.submit(() -> heartbeat(agent, hostId, "AVAILABLE", sessions).status()));
                    if (round == 1) {
                        answers.add(pool.submit(() -> api.patch("/api/v1/hosts/" + hostId, admin,
                                new JsonObject().put("allowNewSessions", false)).status()));
                    }
                }
            }

            // then every request succeeded, and every host is drained, healthy, in the API and on the topic
            for (var answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.get("/api/v1/hostpools/storm/hosts", admin).array()).hasSize(hostCount).allSatisfy(h -> {
            assertThat(((JsonObject) h).getBoolean("allowNewSessions")).isFalse();
            assertThat(((JsonObject) h).getString("health")).isEqualTo("AVAILABLE");
        });
        for (int i = 0; i < hostCount; i++) {
            health.awaitLatest("vm-storm-" + i, r -> r.value() != null && !value(r).getBoolean("allowNewSessions")
                    && "AVAILABLE".equals(value(r).getString("health")));
        }
    }

    @Test
    void aRestartKeepsEveryPoolGroupHostAssignmentAndToken() throws Exception {
        // given pools, a group, hosts with drain mode and an assignment, and an unused registration token
        createPool("durable", personalPool("DIRECT"));
        assertThat(api.put("/api/v1/appgroups/durable-desktop", admin, new JsonObject().put("poolId", "durable")
                .put("type", "REMOTE_APP").put("users", new JsonArray().add("carol")).put("groups", new JsonArray()))
                .status()).isEqualTo(200);
        String agent = register("durable", "vm-r1");
        register("durable", "vm-r2");
        assertThat(heartbeat(agent, "vm-r1", "AVAILABLE", List.of("r-1")).status()).isEqualTo(200);
        api.patch("/api/v1/hosts/vm-r1", admin, new JsonObject().put("assignedUser", "carol").put("allowNewSessions", false));
        String unusedToken = registrationToken("durable", 600);
        JsonArray poolsBefore = api.get("/api/v1/hostpools", admin).array();
        JsonObject groupBefore = api.get("/api/v1/appgroups/durable-desktop", admin).json();
        JsonArray hostsBefore = api.get("/api/v1/hostpools/durable/hosts", admin).array();

        // when the service restarts
        service.close().await(30, TimeUnit.SECONDS);
        service = start();
        api.port(service.httpPort());

        // then it answers the same, and the agent's token and the registration token still work
        assertThat(api.get("/api/v1/hostpools", admin).array()).isEqualTo(poolsBefore);
        assertThat(api.get("/api/v1/appgroups/durable-desktop", admin).json()).isEqualTo(groupBefore);
        assertThat(api.get("/api/v1/hostpools/durable/hosts", admin).array()).isEqualTo(hostsBefore);
        assertThat(host("durable", "vm-r1").getMap()).containsEntry("assignedUser", "carol")
                .containsEntry("allowNewSessions", false).containsEntry("health", "AVAILABLE");
        assertThat(heartbeat(agent, "vm-r1", "AVAILABLE", List.of("r-1")).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/agent/register", null, new JsonObject().put("registrationToken", unusedToken)
                .put("hostName", "vm-r3")).status()).isEqualTo(201);
    }

    // ---------------------------------------------------------------- DESIGN.md 7.2, 7.4, 7.5

    /** A heartbeat of an AVAILABLE host with no sessions, plus {@code fields} (ackedCommandIds, load). */
    private static ApiClient.Answer heartbeatWith(String agentToken, String hostId, JsonObject fields) {
        JsonObject body = new JsonObject().put("hostId", hostId).put("status", "AVAILABLE").mergeIn(fields);
        ApiClient.Answer answer = api.post("/api/v1/agent/heartbeat", agentToken, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    private static List<String> commandIds(ApiClient.Answer heartbeat) {
        return heartbeat.json().getJsonArray("commands").stream()
                .map(command -> ((JsonObject) command).getString("commandId")).toList();
    }

    private static JsonObject acking(String... commandIds) {
        return new JsonObject().put("ackedCommandIds", new JsonArray(List.of(commandIds)));
    }

    @Test
    void anAgentGetsItsCommandsUntilItAcknowledgesThemAndARestartDoesNotResendThem() throws Exception {
        // given a host, and commands on berth.host-commands: two for its agent, a power command, another host's
        createPool("commands", pooledPool(30));
        String agent = register("commands", "vm-c1");
        Instant at = Instant.now();
        try (EventWriter writer = new EventWriter(kafka.kafkaConfig())) {
            writer.send(Topics.HOST_COMMANDS, "vm-c1", new HostCommandEvent(1, "c-logoff", "vm-c1",
                    HostCommandType.LOGOFF, "s-1", null, "LOGOFF", at));
            writer.send(Topics.HOST_COMMANDS, "vm-c1", new HostCommandEvent(1, "c-start", "vm-c1",
                    HostCommandType.START, null, null, "scaling", at));
            writer.send(Topics.HOST_COMMANDS, "vm-other", new HostCommandEvent(1, "c-other", "vm-other",
                    HostCommandType.LOGOFF, "s-9", null, "LOGOFF", at));
            writer.send(Topics.HOST_COMMANDS, "vm-c1", new HostCommandEvent(1, "c-message", "vm-c1",
                    HostCommandType.MESSAGE, "s-1", "Save your work", null, at.plusMillis(1)));
        }

        // when the agent heartbeats, then the answer carries its LOGOFF and MESSAGE, and again in the next one
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(commandIds(heartbeatWith(agent, "vm-c1", new JsonObject())))
                        .containsExactly("c-logoff", "c-message"));
        ApiClient.Answer again = heartbeatWith(agent, "vm-c1", new JsonObject());
        assertThat(commandIds(again)).containsExactly("c-logoff", "c-message");
        JsonObject logoff = again.json().getJsonArray("commands").getJsonObject(0);
        assertThat(logoff.getMap()).containsEntry("command", "LOGOFF").containsEntry("sessionId", "s-1")
                .containsKey("at").doesNotContainKey("message").doesNotContainKey("reason");
        assertThat(again.json().getInteger("nextHeartbeatSeconds")).isEqualTo(30);

        // when it acknowledges the LOGOFF (and an id it never got), then it no longer gets it
        assertThat(commandIds(heartbeatWith(agent, "vm-c1", acking("c-logoff", "c-unknown")))).containsExactly("c-message");
        assertThat(commandIds(heartbeatWith(agent, "vm-c1", new JsonObject()))).containsExactly("c-message");
        assertThat(config.awaitLatest("hostcommands/vm-c1", r -> r.value() != null).value())
                .contains("c-logoff").doesNotContain("c-unknown", "c-message");

        // when the service restarts (a new writer reads berth.host-commands again)
        service.close().await(30, TimeUnit.SECONDS);
        service = start();
        api.port(service.httpPort());

        // then the acknowledged command is not sent again, the other one still is, until acknowledged
        assertThat(commandIds(heartbeatWith(agent, "vm-c1", new JsonObject()))).containsExactly("c-message");
        assertThat(commandIds(heartbeatWith(agent, "vm-c1", acking("c-message")))).isEmpty();
        assertThat(commandIds(heartbeatWith(agent, "vm-c1", new JsonObject()))).isEmpty();
    }

    @Test
    void tagsLoadAndThePoolsLimitsAreAnsweredListedAndPublished() {
        // when a pool takes a logon cap, a CPU threshold and session limits
        ApiClient.Answer pool = api.put("/api/v1/hostpools/loaded", admin, pooledPool(30)
                .put("maxConcurrentLogonsPerHost", 2).put("loadThresholds", new JsonObject().put("cpuPct", 80))
                .put("disconnectedTimeoutMinutes", 30).put("maxSessionMinutes", 600));

        // then they are answered, with the warning's default, and published
        assertThat(pool.status()).as(pool.body()).isEqualTo(200);
        assertThat(pool.json().getMap()).containsEntry("maxConcurrentLogonsPerHost", 2)
                .containsEntry("disconnectedTimeoutMinutes", 30).containsEntry("maxSessionMinutes", 600)
                .containsEntry("limitWarningMinutes", 5);
        assertThat(pool.json().getJsonObject("loadThresholds").getMap()).containsExactly(java.util.Map.entry("cpuPct", 80));
        JsonObject published = value(config.awaitLatest("pool/loaded", r -> r.value() != null));
        assertThat(published.getJsonObject("loadThresholds").getInteger("cpuPct")).isEqualTo(80);
        assertThat(published.getInteger("maxConcurrentLogonsPerHost")).isEqualTo(2);

        // when a host is tagged and reports a load above the threshold
        String agent = register("loaded", "vm-load-1");
        assertThat(host("loaded", "vm-load-1").getJsonArray("tags")).isEmpty();
        ApiClient.Answer tagged = api.patch("/api/v1/hosts/vm-load-1", admin,
                new JsonObject().put("tags", new JsonArray().add("gpu").add("no-autoscale").add("gpu")));
        heartbeatWith(agent, "vm-load-1", new JsonObject().put("load", new JsonObject().put("cpuPct", 95)
                .put("memoryPct", 40.5)));

        // then the listing and berth.host-health carry both, and the pool counts one host over its threshold
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(tagged.json().getJsonArray("tags")).containsExactly("gpu", "no-autoscale");
        JsonObject listed = host("loaded", "vm-load-1");
        assertThat(listed.getJsonArray("tags")).containsExactly("gpu", "no-autoscale");
        assertThat(listed.getJsonObject("load").getDouble("cpuPct")).isEqualTo(95.0);
        assertThat(listed.getJsonObject("load").getDouble("memoryPct")).isEqualTo(40.5);
        JsonObject snapshot = value(health.awaitLatest("vm-load-1", r -> r.value() != null && value(r).getValue("load") != null));
        assertThat(snapshot.getJsonArray("tags")).containsExactly("gpu", "no-autoscale");
        assertThat(snapshot.getJsonObject("load").getDouble("cpuPct")).isEqualTo(95.0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get("/metrics", null).body())
                .containsPattern("berth_hosts_over_load_threshold\\{[^}]*pool=\"loaded\"[^}]*} 1\\.0"));

        // when its next heartbeat has no load, then the load is cleared at once (it is no longer over)
        heartbeatWith(agent, "vm-load-1", new JsonObject());
        assertThat(host("loaded", "vm-load-1").getValue("load")).isNull();
        health.awaitLatest("vm-load-1", r -> r.value() != null && value(r).getValue("load") == null);
    }

    @Test
    void badTagsLoadAndPoolLimitsAreRefusedNamingTheFieldAndChangeNothing() {
        // given
        createPool("strict-limits", pooledPool(30).put("limitWarningMinutes", 10));
        String agent = register("strict-limits", "vm-limits-1");
        api.patch("/api/v1/hosts/vm-limits-1", admin, new JsonObject().put("tags", new JsonArray().add("keep")));
        JsonObject poolBefore = api.get("/api/v1/hostpools/strict-limits", admin).json();
        JsonObject hostBefore = api.get("/api/v1/hosts/vm-limits-1", admin).json();

        // when / then
        for (var bad : List.of(
                java.util.Map.entry("limitWarningMinutes", (Object) 0),
                java.util.Map.entry("maxConcurrentLogonsPerHost", (Object) 1_001),
                java.util.Map.entry("disconnectedTimeoutMinutes", (Object) 10_081),
                java.util.Map.entry("maxSessionMinutes", (Object) (-1)),
                java.util.Map.entry("loadThresholds", (Object) new JsonObject().put("cpuPct", 101)))) {
            ApiClient.Answer refused = api.put("/api/v1/hostpools/strict-limits", admin, pooledPool(30).put(bad.getKey(), bad.getValue()));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().getString("detail")).contains(bad.getKey());
        }
        ApiClient.Answer badTag = api.patch("/api/v1/hosts/vm-limits-1", admin, new JsonObject().put("tags",
                new JsonArray().add("no spaces")));
        assertThat(badTag.status()).isEqualTo(400);
        assertThat(badTag.json().getString("detail")).contains("tags/0");
        JsonArray tooMany = new JsonArray();
        for (int i = 0; i < 21; i++) {
            tooMany.add("t" + i);
        }
        ApiClient.Answer tooManyTags = api.patch("/api/v1/hosts/vm-limits-1", admin, new JsonObject().put("tags", tooMany));
        assertThat(tooManyTags.status()).isEqualTo(400);
        assertThat(tooManyTags.json().getString("detail")).contains("tags");
        ApiClient.Answer badLoad = api.post("/api/v1/agent/heartbeat", agent, new JsonObject().put("hostId", "vm-limits-1")
                .put("status", "AVAILABLE").put("load", new JsonObject().put("cpuPct", 101).put("memoryPct", 1)));
        assertThat(badLoad.status()).isEqualTo(400);
        assertThat(badLoad.json().getString("detail")).contains("load/cpuPct");
        ApiClient.Answer badAcks = api.post("/api/v1/agent/heartbeat", agent, new JsonObject().put("hostId", "vm-limits-1")
                .put("status", "AVAILABLE").put("ackedCommandIds", "c1"));
        assertThat(badAcks.status()).isEqualTo(400);
        assertThat(badAcks.json().getString("detail")).contains("ackedCommandIds");
        assertThat(api.get("/api/v1/hostpools/strict-limits", admin).json()).isEqualTo(poolBefore);
        assertThat(api.get("/api/v1/hosts/vm-limits-1", admin).json()).isEqualTo(hostBefore);
    }

    @Test
    void aHostThatSaidShutdownStaysShutdownWhileSilent() {
        // given two hosts in a pool with a one-second interval: one shuts down, the other just stops
        createPool("asleep", pooledPool(1));
        String sleeper = register("asleep", "vm-z1");
        String lost = register("asleep", "vm-z2");
        assertThat(heartbeat(sleeper, "vm-z1", "SHUTDOWN", List.of()).status()).isEqualTo(200);
        assertThat(heartbeat(lost, "vm-z2", "AVAILABLE", List.of()).status()).isEqualTo(200);

        // when both stay silent past three intervals, then only the other one turns NO_HEARTBEAT
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(host("asleep", "vm-z2").getString("health")).isEqualTo("NO_HEARTBEAT"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
                assertThat(host("asleep", "vm-z1").getString("health")).isEqualTo("SHUTDOWN"));
        assertThat(value(health.latest("vm-z1").orElseThrow()).getString("health")).isEqualTo("SHUTDOWN");
    }
}
