package io.berth.session;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.HttpConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.http.Problems;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.berth.session.domain.SessionQuery;
import io.berth.session.domain.SessionRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session API over HTTP, validated against its OpenAPI document before any handler runs: what the document
 * refuses is a 400 problem naming the field, and the registry sees nothing of it. No Kafka: nothing here is
 * valid enough to be published.
 */
class SessionApiIT {

    private static final String EVENTS = "/api/v1/agent/sessions/s-1/events";

    private static Vertx vertx;
    private static SessionRegistry registry;
    private static ApiClient client;
    private static TestTokens tokens;
    private static ApiContract contract;

    @BeforeAll
    static void serveTheSessionApi() throws Exception {
        vertx = Vertx.vertx();
        contract = ApiContract.load(vertx, SessionApi.DOCUMENT);
        registry = new SessionRegistry(Duration.ofHours(24));
        Router router = ApiRouter.create(vertx, HttpConfig.DEFAULT_REQUEST_DEADLINE, contract);
        new SessionApi(registry, null, Clock.systemUTC(), () -> true)
                .mount(router, new JwtAuthentication(vertx, AuthConfig.ofSecret(KafkaClusterExtension.TEST_JWT_SECRET)));
        int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS).actualPort();
        client = new ApiClient(port);
        tokens = new TestTokens(vertx);
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Tests that put sessions into the shared registry leave it empty for the others. */
    @AfterEach
    void forgetTheSessions() {
        registry.list(new SessionQuery(null, null, null, null))
                .forEach(session -> registry.applyTombstone(session.sessionId()));
    }

    @Test
    void theDocumentIsServedWithoutAToken() {
        // when
        ApiClient.Answer answer = client.get(ApiRouter.OPENAPI_PATH, null);

        // then
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().getString("openapi")).isEqualTo("3.1.0");
        assertThat(answer.json().getJsonObject("paths").fieldNames())
                .contains("/api/v1/agent/sessions/{sessionId}/events", "/api/v1/sessions/{sessionId}/logoff");
    }

    @Test
    void aReportWithAFieldTheDocumentDoesNotDefineIsRefused() {
        // when
        ApiClient.Answer answer = client.post(EVENTS, tokens.agent("host-1"), report("judy").put("colour", "red"));

        // then
        assertProblem(answer, 400, "colour");
        assertThat(registry.heldReports()).isZero();
    }

    @Test
    void userIdsAreBoundedAndFreeOfControlCharacters() {
        // when / then
        assertProblem(client.post(EVENTS, tokens.agent("host-1"), report("u".repeat(257))), 400, "userId");
        assertProblem(client.post(EVENTS, tokens.agent("host-1"), report("ju\u0007dy")), 400, "userId");
        assertProblem(client.post(EVENTS, tokens.agent("host-1"), report("   ")), 400, "userId");
        assertThat(registry.heldReports()).isZero();
    }

    @Test
    void aFieldGivenTwiceIsRefused() {
        // when
        ApiClient.Answer answer = client.post(EVENTS, tokens.agent("host-1"),
                "{\"type\":\"LOGON\",\"userId\":\"judy\",\"userId\":\"mallory\",\"hostId\":\"host-1\"}");

        // then
        assertProblem(answer, 400, "twice");
    }

    @Test
    void sessionIdsWithSpacesOrOver200CharactersAreRefused() {
        // when / then
        assertProblem(client.get("/api/v1/sessions/a%20b", tokens.admin()), 400, "sessionId");
        assertProblem(client.get("/api/v1/sessions/" + "s".repeat(201), tokens.admin()), 400, "sessionId");
        assertProblem(client.post("/api/v1/sessions/a%20b/logoff", tokens.admin(), null), 400, "sessionId");
    }

    @Test
    void anUnknownStateFilterIsRefusedAndAnEmptyOneMatchesAll() {
        // when / then
        assertProblem(client.get("/api/v1/sessions?state=SLEEPING", tokens.admin()), 400, "state");
        ApiClient.Answer all = client.get("/api/v1/sessions?state=", tokens.admin());
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.array()).isEmpty();
    }

    @Test
    void aValidReportReachesTheRegistry() {
        // when a valid report names a host that is not registered
        ApiClient.Answer answer = client.post(EVENTS, tokens.agent("host-1"), report("judy"));

        // then the registry, not the document, refuses it
        assertProblem(answer, 403, "not registered");
    }

    @Test
    void aMessageHoldsOneTo1024CharactersAndNothingElse() {
        // given a live session
        registry.applyPublished(new SessionEvent(1, "s-msg", "judy", "pool-a", "host-1", SessionState.ACTIVE,
                Instant.parse("2026-01-01T09:00:00Z"), Instant.parse("2026-01-01T09:00:00Z"), null));
        String path = "/api/v1/sessions/s-msg/message";

        // when / then: the document refuses what the registry must never see
        assertProblem(client.post(path, tokens.admin(), new JsonObject().put("message", "")), 400, "message");
        assertProblem(client.post(path, tokens.admin(), new JsonObject().put("message", "x".repeat(1025))), 400,
                "message");
        assertProblem(client.post(path, tokens.admin(), new JsonObject().put("message", "hi").put("urgent", true)),
                400, "urgent");
        assertProblem(client.post(path, tokens.admin(), new JsonObject()), 400, "message");
        assertProblem(client.post(path, tokens.admin(), new JsonObject().put("message", 42)), 400, "message");
        assertThat(client.post(path, tokens.agent("host-1"), new JsonObject().put("message", "hi")).status())
                .isEqualTo(403);
        assertThat(client.post(path, null, new JsonObject().put("message", "hi")).status()).isEqualTo(401);
    }

    @Test
    void aMessageForAnUnknownSessionIsNotFoundAndForAnEndedOneAConflict() {
        // given an ENDED session
        registry.applyPublished(new SessionEvent(1, "s-gone", "judy", "pool-a", "host-1", SessionState.ENDED,
                Instant.parse("2026-01-01T09:00:00Z"), Instant.parse("2026-01-01T10:00:00Z"), "LOGOFF"));
        JsonObject hello = new JsonObject().put("message", "x".repeat(1024));

        // when / then
        assertProblem(client.post("/api/v1/sessions/s-nobody/message", tokens.admin(), hello), 404, "s-nobody");
        assertProblem(client.post("/api/v1/sessions/s-gone/message", tokens.admin(), hello), 409, "ended");
    }

    @Test
    void aSessionAnswersItsEndReasonNullWhileLive() {
        // given
        registry.applyPublished(new SessionEvent(1, "s-live", "kim", "pool-a", "host-1", SessionState.ACTIVE,
                Instant.parse("2026-01-01T09:00:00Z"), Instant.parse("2026-01-01T09:00:00Z"), null));
        registry.applyPublished(new SessionEvent(1, "s-done", "kim", "pool-a", "host-1", SessionState.ENDED,
                Instant.parse("2026-01-01T09:00:00Z"), Instant.parse("2026-01-01T09:30:00Z"), "MAX_SESSION_TIME"));

        // when
        JsonObject live = client.get("/api/v1/sessions/s-live", tokens.admin()).json();
        JsonObject done = client.get("/api/v1/sessions/s-done", tokens.admin()).json();

        // then
        assertThat(live.containsKey("endReason")).isTrue();
        assertThat(live.getString("endReason")).isNull();
        assertThat(done.getString("endReason")).isEqualTo("MAX_SESSION_TIME");
    }

    private static JsonObject report(String userId) {
        return new JsonObject().put("type", "LOGON").put("userId", userId).put("hostId", "host-1")
                .put("at", "2026-01-01T09:00:00Z");
    }

    private static void assertProblem(ApiClient.Answer answer, int status, String detailMentions) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo(Problems.CONTENT_TYPE);
        assertThat(answer.json().getString("detail")).contains(detailMentions);
    }
}
