package io.berth.common.auth;

import io.berth.common.config.AuthConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token handler on a real router: missing, forged, expired, wrong role, right role; and the same answers
 * for a token it has verified before.
 */
class JwtAuthenticationTest {

    private static final String SECRET = "unit-test-secret-0123456789-0123456789-abcdef";
    private static Vertx vertx;
    private static HttpServer server;
    private static WebClient client;
    private static TokenIssuer issuer;
    private static final AtomicInteger countedChecks = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        vertx = Vertx.vertx();
        AuthConfig config = AuthConfig.ofSecret(SECRET);
        JwtAuthentication jwt = new JwtAuthentication(vertx, config);
        issuer = new TokenIssuer(vertx, config);
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(10), ApiContract.load(vertx, "openapi/test-service.yaml"));
        router.get("/admin-only").handler(jwt.require(Role.ADMIN))
                .handler(ctx -> ctx.response().end(Principal.of(ctx).subject()));
        var fullCheck = JwtAuthentication.signatureCheck(vertx, config);
        JwtAuthentication counted = new JwtAuthentication(token -> {
            countedChecks.incrementAndGet();
            return fullCheck.apply(token);
        }, Clock.systemUTC(), JwtAuthentication.MAX_CACHED_TOKENS);
        router.get("/admin-only-counted").handler(counted.require(Role.ADMIN))
                .handler(ctx -> ctx.response().end(Principal.of(ctx).subject()));
        JwtAuthentication scoped = new JwtAuthentication(vertx,
                config.expecting(Optional.of("https://idp.example.com"), Optional.of("berth")));
        router.get("/admin-only-scoped").handler(scoped.require(Role.ADMIN))
                .handler(ctx -> ctx.response().end(Principal.of(ctx).subject()));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private HttpResponse<Buffer> get(String authorization) {
        return get("/admin-only", authorization);
    }

    private HttpResponse<Buffer> get(String path, String authorization) {
        var request = client.get(server.actualPort(), "127.0.0.1", path);
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        return request.send().await();
    }

    @Test
    void missingTokenIs401Problem() {
        HttpResponse<Buffer> response = get(null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(401);
    }

    @Test
    void forgedTokenIs401() {
        String forged = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                        .setAlgorithm("HS256").setBuffer("another-secret-another-secret-another-secret")))
                .generateToken(new JsonObject().put("roles", List.of("admin")),
                        new JWTOptions().setSubject("mallory").setExpiresInSeconds(600));

        assertThat(get("Bearer " + forged).statusCode()).isEqualTo(401);
        assertThat(get("Bearer not.a.token").statusCode()).isEqualTo(401);
        assertThat(get("Basic YWRtaW46YWRtaW4=").statusCode()).isEqualTo(401);
    }

    @Test
    void expiredTokenIs401() {
        String expired = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                        .setAlgorithm("HS256").setBuffer(SECRET)))
                .generateToken(new JsonObject().put("roles", List.of("admin"))
                                .put("exp", System.currentTimeMillis() / 1000 - 3600),
                        new JWTOptions().setSubject("old"));

        assertThat(get("Bearer " + expired).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenWithoutExpiryIs401() {
        String eternal = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                        .setAlgorithm("HS256").setBuffer(SECRET)))
                .generateToken(new JsonObject().put("roles", List.of("admin")), new JWTOptions().setSubject("x"));

        assertThat(get("Bearer " + eternal).statusCode()).isEqualTo(401);
    }

    @Test
    void validTokenWithoutTheRoleIs403AndRolesDoNotImplyEachOther() {
        String gateway = issuer.issue("gw", List.of(Role.GATEWAY, Role.AGENT), Duration.ofMinutes(5));

        HttpResponse<Buffer> response = get("Bearer " + gateway);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsJsonObject().getString("detail")).contains("admin");
    }

    @Test
    void validTokenWithTheRolePassesAndCarriesItsSubject() {
        String admin = issuer.issue("ops@example.com", List.of(Role.ADMIN), Duration.ofMinutes(5), Map.of("jti", "t-1"));

        HttpResponse<Buffer> response = get("Bearer " + admin);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("ops@example.com");
    }

    @Test
    void aRememberedTokenWithoutTheRoleIsStill403() {
        String gateway = issuer.issue("gw-2", List.of(Role.GATEWAY), Duration.ofMinutes(5));
        int before = countedChecks.get();

        HttpResponse<Buffer> first = get("/admin-only-counted", "Bearer " + gateway);
        HttpResponse<Buffer> second = get("/admin-only-counted", "Bearer " + gateway);

        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(403, 403);
        assertThat(second.bodyAsJsonObject().getString("detail")).isEqualTo("this endpoint needs the 'admin' role");
        assertThat(countedChecks.get() - before).as("verified once").isEqualTo(1);
    }

    @Test
    void aRememberedTokenWithTheRolePassesWithItsSubject() {
        String admin = issuer.issue("ops-2@example.com", List.of(Role.ADMIN), Duration.ofMinutes(5));
        int before = countedChecks.get();

        HttpResponse<Buffer> first = get("/admin-only-counted", "Bearer " + admin);
        HttpResponse<Buffer> second = get("/admin-only-counted", "Bearer " + admin);

        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(200, 200);
        assertThat(second.bodyAsString()).isEqualTo("ops-2@example.com");
        assertThat(countedChecks.get() - before).as("verified once").isEqualTo(1);
    }

    private static String signed(JsonObject claims) {
        return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm("HS256").setBuffer(SECRET))).generateToken(claims, new JWTOptions());
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    @Test
    void aValidlySignedTokenWhoseClaimsHaveTheWrongTypesIs401NotA500() {
        JsonObject good = new JsonObject().put("sub", "ops").put("roles", List.of("admin")).put("exp", inAnHour());
        List<JsonObject> wrongTypes = List.of(
                good.copy().put("exp", String.valueOf(inAnHour())),
                good.copy().put("exp", new JsonObject().put("when", "later")),
                good.copy().put("roles", "admin"),
                good.copy().put("roles", new JsonObject().put("admin", true)),
                good.copy().put("roles", List.of(1, 2)),
                good.copy().put("sub", 42),
                good.copy().put("sub", List.of("a", "b")),
                good.copy().put("jti", 7),
                good.copy().put("iat", "yesterday"),
                good.copy().put("nbf", List.of()));

        assertThat(get("Bearer " + signed(good)).statusCode()).as("the well-typed token").isEqualTo(200);
        for (JsonObject claims : wrongTypes) {
            HttpResponse<Buffer> response = get("Bearer " + signed(claims));

            assertThat(response.statusCode()).as("claims %s", claims).isEqualTo(401);
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        }
    }

    @Test
    void aConfiguredIssuerAndAudienceAreRequired() {
        JsonObject claims = new JsonObject().put("sub", "ops").put("roles", List.of("admin")).put("exp", inAnHour())
                .put("iss", "https://idp.example.com").put("aud", List.of("other", "berth"));

        assertThat(get("/admin-only-scoped", "Bearer " + signed(claims)).statusCode()).isEqualTo(200);
        assertThat(get("/admin-only-scoped", "Bearer " + signed(claims.copy().put("aud", "berth"))).statusCode())
                .as("a single audience").isEqualTo(200);
        assertThat(get("/admin-only-scoped", "Bearer " + signed(claims.copy().put("aud", "other"))).statusCode())
                .as("another audience").isEqualTo(401);
        assertThat(get("/admin-only-scoped", "Bearer " + signed(claims.copy().put("iss", "https://evil.example")))
                .statusCode()).as("another issuer").isEqualTo(401);
        assertThat(get("/admin-only-scoped", "Bearer " + signed(claims.copy().put("iss", 5))).statusCode())
                .as("an issuer of the wrong type").isEqualTo(401);
        assertThat(get("/admin-only-scoped", "Bearer " + issuer.issue("ops", List.of(Role.ADMIN), Duration.ofMinutes(5)))
                .statusCode()).as("neither claim").isEqualTo(401);
        assertThat(get("/admin-only", "Bearer " + signed(claims.copy().put("aud", "other"))).statusCode())
                .as("unchecked where not configured").isEqualTo(200);
    }
}
