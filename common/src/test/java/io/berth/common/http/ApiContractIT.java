package io.berth.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.common.http.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requests checked against a service's OpenAPI document before its handlers run: what fits passes, what
 * does not is a 400 problem naming the field and changes nothing; what the document does not describe
 * passes through untouched; the document is served; a handler's bug is a 500 with the request id.
 */
class ApiContractIT {

    private static Vertx vertx;
    private static HttpServer server;
    private static WebClient client;
    private static ApiContract contract;
    private static final AtomicInteger accepted = new AtomicInteger();

    enum Color { RED, GREEN }

    record Thing(String userId, int size, Color color, List<String> tags) {
    }

    record Note(String text) {
    }

    private HttpResponse<Buffer> postNote(String body, boolean withToken) {
        var request = client.post(server.actualPort(), "127.0.0.1", "/api/v1/notes")
                .putHeader("Content-Type", "application/json");
        if (withToken) {
            request.putHeader("Authorization", "Bearer some-token");
        }
        return request.sendBuffer(Buffer.buffer(body)).await();
    }

    @Test
    void aProtectedOperationCalledWithoutATokenIs401WhateverItsBody() {
        int before = accepted.get();

        assertProblem(postNote("{\"text\":\"far too long for it\",\"extra\":1}", false), 401, "token");
        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void aParameterlessOperationsBodyIsCheckedWithTheSameRulesAndWording() {
        int before = accepted.get();

        assertProblem(postNote("{\"text\":\"ok\",\"extra\":1}", true), 400, "unknown field 'extra'");
        assertProblem(postNote("{\"text\":\"far too long for it\"}", true), 400, "text");
        assertProblem(postNote("{}", true), 400, "'text' is required");
        assertProblem(postNote("[]", true), 400, "JSON object");
        assertProblem(postNote("", true), 400, "body");
        assertThat(accepted.get()).isEqualTo(before);

        HttpResponse<Buffer> fine = postNote("{\"text\":\"ok\"}", true);
        assertThat(fine.statusCode()).as(fine.bodyAsString()).isEqualTo(200);
        assertThat(accepted.get()).isEqualTo(before + 1);
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        contract = ApiContract.load(vertx, "openapi/test-service.yaml");
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(5), contract);
        router.put("/api/v1/things/:thingId").handler(ctx -> {
            Thing thing = RequestBody.read(ctx, Thing.class);
            accepted.incrementAndGet();
            JsonAnswers.send(ctx, 200, thing);
        });
        router.get("/api/v1/things").handler(ctx -> JsonAnswers.send(ctx, 200, List.of()));
        // Stands in for a service's JWT handler: no token, 401.
        router.post("/api/v1/notes").handler(ctx -> {
            if (ctx.request().getHeader("Authorization") == null) {
                Problems.send(ctx, 401, "Unauthorized", "a bearer token is required");
                return;
            }
            ctx.next();
        }).handler(ctx -> {
            Note note = RequestBody.read(ctx, Note.class);
            accepted.incrementAndGet();
            JsonAnswers.send(ctx, 200, note);
        });
        router.put("/api/v1/undocumented").handler(ctx -> JsonAnswers.send(ctx, 200, ctx.body().asJsonObject()));
        router.get("/api/v1/bad-argument").handler(ctx -> {
            throw new IllegalArgumentException("a bug in a handler");
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private HttpResponse<Buffer> put(String body) {
        return client.put(server.actualPort(), "127.0.0.1", "/api/v1/things/t1")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await();
    }

    @Test
    void aBodyThatFitsTheDocumentReachesTheHandler() {
        int before = accepted.get();

        HttpResponse<Buffer> response = put("{\"userId\":\"CN=Alice,OU=Staff\",\"size\":3,\"color\":\"GREEN\",\"tags\":[\"a\"]}");

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("color")).isEqualTo("GREEN");
        assertThat(accepted.get()).isEqualTo(before + 1);
    }

    @Test
    void aPathParameterOrHeaderOutsideItsSchemaIsA400NamingItAndChangesNothing() {
        int before = accepted.get();

        HttpResponse<Buffer> tooLong = client.put(server.actualPort(), "127.0.0.1", "/api/v1/things/" + "t".repeat(65))
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"userId\":\"bob\",\"size\":1,\"color\":\"RED\"}")).await();

        HttpResponse<Buffer> malformed = client.put(server.actualPort(), "127.0.0.1", "/api/v1/things/t%zz")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"userId\":\"bob\",\"size\":1,\"color\":\"RED\"}")).await();

        HttpResponse<Buffer> longHeader = client.put(server.actualPort(), "127.0.0.1", "/api/v1/things/t1")
                .putHeader("Content-Type", "application/json").putHeader("X-Thing-Tag", "far-too-long")
                .sendBuffer(Buffer.buffer("{\"userId\":\"bob\",\"size\":1,\"color\":\"RED\"}")).await();

        assertProblem(tooLong, 400, "path parameter 'thingId'");
        assertProblem(longHeader, 400, "header 'X-Thing-Tag'");
        assertThat(malformed.statusCode()).as(malformed.bodyAsString()).isEqualTo(400);
        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void anOperationThatDeclaresALargerBodyLimitReadsBodiesUpToIt() {
        String large = "{\"userId\":\"" + "u".repeat(100_000) + "\",\"size\":1,\"color\":\"RED\"}";

        HttpResponse<Buffer> declared = put(large);
        HttpResponse<Buffer> standard = postNote("{\"text\":\"" + "n".repeat(100_000) + "\"}", true);

        assertProblem(declared, 400, "userId");
        assertProblem(standard, 413, String.valueOf(ApiRouter.MAX_BODY_BYTES));
    }

    @Test
    void jsonWithACharsetIsJson() {
        HttpResponse<Buffer> response = client.put(server.actualPort(), "127.0.0.1", "/api/v1/things/t1")
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .sendBuffer(Buffer.buffer("{\"userId\":\"bob\",\"size\":1,\"color\":\"RED\"}")).await();

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }

    @Test
    void aBodyThatDoesNotFitIsA400NamingTheFieldAndChangesNothing() {
        int before = accepted.get();

        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"RED\",\"foo\":1}"), 400, "unknown field 'foo'");
        assertProblem(put("{\"userId\":\"" + "u".repeat(257) + "\",\"size\":3,\"color\":\"RED\"}"), 400, "userId");
        assertProblem(put("{\"userId\":\"bob\\r\\nX-Injected: 1\",\"size\":3,\"color\":\"RED\"}"), 400, "userId");
        assertProblem(put("{\"userId\":\"a\",\"size\":\"big\",\"color\":\"RED\"}"), 400, "size");
        assertProblem(put("{\"userId\":\"a\",\"size\":2.5,\"color\":\"RED\"}"), 400, "size");
        assertProblem(put("{\"userId\":\"a\",\"size\":11,\"color\":\"RED\"}"), 400, "size");
        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"PURPLE\"}"), 400, "color");
        assertProblem(put("{\"userId\":\"a\",\"size\":3}"), 400, "'color' is required");
        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"RED\",\"tags\":[1]}"), 400, "tags/0");
        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"RED\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}"), 400, "tags");
        assertProblem(put("[1,2,3]"), 400, "the body");
        assertProblem(put(""), 400, "body is required");
        assertProblem(put("{not json"), 400, "JSON");

        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void aFieldGivenTwiceOrDataAfterTheBodyIs400AndChangesNothing() {
        int before = accepted.get();

        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"RED\",\"size\":9}"), 400, "same field twice");
        assertProblem(put("{\"userId\":\"a\",\"size\":3,\"color\":\"RED\"} {\"size\":4}"), 400, "JSON");

        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void queryParametersAreCheckedToo() {
        assertThat(client.get(server.actualPort(), "127.0.0.1", "/api/v1/things?limit=5").send().await().statusCode())
                .isEqualTo(200);
        assertProblem(client.get(server.actualPort(), "127.0.0.1", "/api/v1/things?limit=500").send().await(),
                400, "limit");
        assertProblem(client.get(server.actualPort(), "127.0.0.1", "/api/v1/things?limit=many").send().await(),
                400, "limit");
    }

    @Test
    void whatTheDocumentDoesNotDescribePassesThroughUnchecked() {
        HttpResponse<Buffer> undocumented = client.put(server.actualPort(), "127.0.0.1", "/api/v1/undocumented")
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"anything\":1}")).await();

        assertThat(undocumented.statusCode()).isEqualTo(200);
        assertProblem(client.get(server.actualPort(), "127.0.0.1", "/api/v1/nowhere").send().await(), 404, "nowhere");
        assertProblem(client.delete(server.actualPort(), "127.0.0.1", "/api/v1/things/t1").send().await(), 405, "DELETE");
    }

    @Test
    void theDocumentIsServedWithoutAToken() {
        HttpResponse<Buffer> response = client.get(server.actualPort(), "127.0.0.1", ApiRouter.OPENAPI_PATH).send().await();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject document = response.bodyAsJsonObject();
        assertThat(document.getString("openapi")).isEqualTo("3.1.0");
        assertThat(document.getJsonObject("paths").fieldNames()).contains("/api/v1/things/{thingId}", "/api/v1/things");
    }

    @Test
    void anIllegalArgumentFromAHandlerIsABugA500WithTheRequestId() {
        HttpResponse<Buffer> response = client.get(server.actualPort(), "127.0.0.1", "/api/v1/bad-argument")
                .putHeader("X-Request-Id", "req-42").send().await();

        assertProblem(response, 500, "req-42");
        assertThat(response.getHeader("X-Request-Id")).isEqualTo("req-42");
        assertThat(response.bodyAsString()).doesNotContain("IllegalArgumentException", "a bug in a handler");
    }

    @Test
    void aMissingOrBrokenDocumentStopsTheStart() {
        assertThatThrownBy(() -> ApiContract.load(vertx, "openapi/no-such-service.yaml"))
                .hasMessageContaining("openapi/no-such-service.yaml");
        assertThatThrownBy(() -> ApiContract.load(vertx, "openapi/broken-service.yaml"))
                .hasMessageContaining("not valid");
    }

    @Test
    void loadingOnAnEventLoopIsRefusedWithAClearMessage() {
        Throwable failure = vertx.getOrCreateContext().<Void>executeBlocking(() -> null)
                .compose(v -> {
                    try {
                        ApiContract.load(vertx, "openapi/test-service.yaml");
                        return io.vertx.core.Future.<Throwable>succeededFuture(null);
                    } catch (IllegalStateException e) {
                        return io.vertx.core.Future.succeededFuture(e);
                    }
                }).await();

        assertThat(failure).hasMessageContaining("worker");
    }
}
