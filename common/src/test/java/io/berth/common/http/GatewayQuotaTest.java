package io.berth.common.http;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.auth.Role;
import io.berth.common.config.AuthConfig;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** One gateway beyond its quota gets 429 problem+json with Retry-After; another gateway is served meanwhile. */
class GatewayQuotaTest {

    private Vertx vertx;
    private WebClient client;
    private TestTokens tokens;
    private final Queue<Promise<Void>> held = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        tokens = new TestTokens(vertx);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private int serve(GatewayQuota quota, boolean hold) {
        JwtAuthentication jwt = new JwtAuthentication(vertx,
                AuthConfig.ofSecret(KafkaClusterExtension.TEST_JWT_SECRET));
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(10), ApiContract.load(vertx, "openapi/test-service.yaml"));
        router.get("/work").handler(jwt.require(Role.GATEWAY)).handler(quota).handler(ctx -> {
            if (hold) {
                Promise<Void> release = Promise.promise();
                held.add(release);
                release.future().onComplete(v -> ctx.response().end("done"));
            } else {
                ctx.response().end("done");
            }
        });
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        return server.actualPort();
    }

    private Future<HttpResponse<Buffer>> get(int port, String token) {
        return client.get(port, "127.0.0.1", "/work").putHeader("Authorization", TestTokens.bearer(token)).send();
    }

    @Test
    void aFloodBeyondOneGatewaysRateIs429WhileAnotherGatewayIsServed() {
        // given a quota of 5 requests a second per gateway
        int port = serve(new GatewayQuota(5, 0, new SimpleMeterRegistry()), false);
        String greedy = tokens.with("gateway-greedy", List.of(Role.GATEWAY), Duration.ofHours(1));
        String other = tokens.with("gateway-other", List.of(Role.GATEWAY), Duration.ofHours(1));

        // when the greedy gateway sends 50 at once
        long started = System.nanoTime();
        List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            flood.add(get(port, greedy));
        }
        Future.all(flood).await();
        double seconds = (System.nanoTime() - started) / 1e9;
        HttpResponse<Buffer> otherAnswer = get(port, other).await();

        // then at most 5 per started second got through, the rest is 429 problem+json with Retry-After
        long served = flood.stream().filter(f -> f.result().statusCode() == 200).count();
        List<HttpResponse<Buffer>> refused = flood.stream().map(Future::result)
                .filter(r -> r.statusCode() == 429).toList();
        assertThat(served + refused.size()).isEqualTo(50);
        assertThat(served).isBetween(1L, 5L * ((long) Math.ceil(seconds) + 1));
        assertThat(refused).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.CONTENT_TYPE);
            assertThat(Integer.parseInt(r.getHeader("Retry-After"))).isBetween(1, 60);
            assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(429);
            assertThat(r.bodyAsJsonObject().getString("detail")).contains("rate");
        });
        // and the other gateway is served all the while
        assertThat(otherAnswer.statusCode()).isEqualTo(200);
    }

    @Test
    void requestsBeyondAGatewaysConcurrencyAre429UntilOneEnds() {
        // given at most 2 requests in flight per gateway, and a handler that holds its answers
        int port = serve(new GatewayQuota(0, 2, new SimpleMeterRegistry()), true);
        String busy = tokens.with("gateway-busy", List.of(Role.GATEWAY), Duration.ofHours(1));
        String other = tokens.with("gateway-other", List.of(Role.GATEWAY), Duration.ofHours(1));
        Future<HttpResponse<Buffer>> first = get(port, busy);
        Future<HttpResponse<Buffer>> second = get(port, busy);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);

        // when a third arrives from the same gateway, and one from another gateway
        HttpResponse<Buffer> third = get(port, busy).await();
        Future<HttpResponse<Buffer>> fromOther = get(port, other);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 3);

        // then the third is refused, the other gateway's is taken
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.getHeader("Retry-After")).isEqualTo("1");
        assertThat(third.bodyAsJsonObject().getString("detail")).contains("in flight");

        // and once the held ones end, the gateway is served again
        held.forEach(Promise::tryComplete);
        assertThat(first.await().statusCode()).isEqualTo(200);
        assertThat(second.await().statusCode()).isEqualTo(200);
        assertThat(fromOther.await().statusCode()).isEqualTo(200);
        Future<HttpResponse<Buffer>> again = get(port, busy);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 4);
        held.forEach(Promise::tryComplete);
        assertThat(again.await().statusCode()).isEqualTo(200);
    }
}
