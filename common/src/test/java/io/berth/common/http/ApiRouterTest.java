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
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.common.http.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input of every kind gets a 4xx problem and never reaches (or changes) anything. */
class ApiRouterTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static WebClient client;
    private static final AtomicInteger accepted = new AtomicInteger();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        // The router's own rules (media type, size, request ids, 404/405/500); what a body may hold is the
        // contract's, tested in ApiContractIT. /things/:id is not in the document: nothing validates its body.
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(10), ApiContract.load(vertx, "openapi/test-service.yaml"));
        router.put("/things/:id").handler(ctx -> {
            accepted.incrementAndGet();
            JsonAnswers.send(ctx, 200, ctx.body().asJsonObject());
        });
        router.get("/boom").handler(ctx -> {
            throw new IllegalStateException("bug");
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private HttpResponse<Buffer> put(String body) {
        return client.put(server.actualPort(), "127.0.0.1", "/things/1")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await();
    }

    @Test
    void aBodyLargerThanTheLimitIs413AndChangesNothing() {
        int before = accepted.get();

        assertProblem(put("{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}"), 413, "bytes");

        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        assertProblem(client.get(server.actualPort(), "127.0.0.1", "/nowhere").send().await(), 404, "nowhere");
        assertProblem(client.delete(server.actualPort(), "127.0.0.1", "/things/1").send().await(), 405, "DELETE");
    }

    @Test
    void aBugIsA500ProblemWithTheRequestIdNotAStackTrace() {
        HttpResponse<Buffer> response = client.get(server.actualPort(), "127.0.0.1", "/boom").send().await();

        assertProblem(response, 500, response.getHeader("X-Request-Id"));
        assertThat(response.bodyAsString()).doesNotContain("IllegalStateException");
    }

    @Test
    void aBodyThatIsNotJsonIs415AndChangesNothing() {
        int before = accepted.get();
        String valid = "{\"size\":3,\"color\":\"RED\"}";

        for (String type : new String[]{"text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
            HttpResponse<Buffer> response = client.put(server.actualPort(), "127.0.0.1", "/things/1")
                    .putHeader("Content-Type", type).sendBuffer(Buffer.buffer(valid)).await();
            assertProblem(response, 415, "application/json");
        }
        assertProblem(client.put(server.actualPort(), "127.0.0.1", "/things/1")
                .sendBuffer(Buffer.buffer(valid)).await(), 415, "application/json");
        assertThat(client.put(server.actualPort(), "127.0.0.1", "/things/1")
                .putHeader("Content-Type", "Application/JSON; charset=utf-8").sendBuffer(Buffer.buffer(valid)).await()
                .statusCode()).as("JSON with a charset").isEqualTo(200);

        assertThat(accepted.get()).isEqualTo(before + 1);
    }

    @Test
    void aSafeRequestIdIsEchoedAndAnUnsafeOneReplaced() {
        var uuid = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        String safe = "gw-7.trace:0042_a";

        assertThat(requestIdAnswered(safe)).isEqualTo(safe);
        for (String unsafe : new String[]{"x".repeat(101), "a b", "a\tb", "${jndi:ldap://x}", "<script>", "é"}) {
            assertThat(requestIdAnswered(unsafe)).as("for %s", unsafe).matches(uuid).isNotEqualTo(unsafe);
        }
        assertThat(ApiRouter.requestId("evil\r\nSet-Cookie: x=1")).matches(uuid);
        assertThat(ApiRouter.requestId("id\u0007bell")).matches(uuid);
        assertThat(ApiRouter.requestId(null)).matches(uuid);
    }

    private String requestIdAnswered(String offered) {
        HttpResponse<Buffer> response = client.get(server.actualPort(), "127.0.0.1", "/nowhere")
                .putHeader("X-Request-Id", offered).send().await();
        assertThat(response.bodyAsJsonObject().getString("instance"))
                .isEqualTo("urn:berth:request:" + response.getHeader("X-Request-Id"));
        return response.getHeader("X-Request-Id");
    }
}
