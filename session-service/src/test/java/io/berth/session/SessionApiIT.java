package io.berth.session;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.HttpConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.http.Problems;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.berth.session.domain.SessionRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
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
