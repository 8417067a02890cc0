package io.berth.common.auth;

import io.berth.common.config.AuthConfig;
import io.berth.common.http.ProblemException;
import io.berth.common.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JwtAuthentication}'s memory of verified tokens: a token is verified once, its {@code exp} every
 * time; nothing that failed is remembered; the memory is bounded. Vert.x's own check runs on the system
 * clock, so tokens expire an hour from the real now and the test clock starts there.
 */
class VerifiedTokenCacheTest {

    private static final String SECRET = "cache-test-secret-0123456789-0123456789-abcdef";
    private static Vertx vertx;
    private static JWTAuth minter;

    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final long hourFromNow = clock.instant().getEpochSecond() + 3_600;
    private JwtAuthentication jwt;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        minter = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void countingAuthentication() {
        jwt = withCacheOf(JwtAuthentication.MAX_CACHED_TOKENS);
    }

    private JwtAuthentication withCacheOf(long maxCachedTokens) {
        var fullCheck = JwtAuthentication.signatureCheck(vertx, AuthConfig.ofSecret(SECRET));
        return new JwtAuthentication(token -> {
            signatureChecks.incrementAndGet();
            return fullCheck.apply(token);
        }, clock, maxCachedTokens);
    }

    private static String token(JWTAuth signer, String subject, Long exp, String jti) {
        JsonObject claims = new JsonObject().put("sub", subject).put("roles", new JsonArray().add("agent"));
        if (exp != null) {
            claims.put("exp", exp);
        }
        if (jti != null) {
            claims.put("jti", jti);
        }
        return signer.generateToken(claims, new JWTOptions());
    }

    private String token(String subject, long exp) {
        return token(minter, subject, exp, null);
    }

    private static Principal accepted(Future<Principal> outcome) {
        assertThat(outcome.succeeded()).as("accepted, not %s", outcome.cause()).isTrue();
        return outcome.result();
    }

    private static ProblemException rejected(Future<Principal> outcome) {
        assertThat(outcome.failed()).as("rejected").isTrue();
        assertThat(outcome.cause()).isInstanceOf(ProblemException.class);
        return (ProblemException) outcome.cause();
    }

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgain() {
        String token = token(minter, "host-1", hourFromNow, "t-1");

        Principal first = accepted(jwt.authenticate(token));
        Principal second = accepted(jwt.authenticate(token));
        Principal third = accepted(jwt.authenticate(token));

        assertThat(signatureChecks).hasValue(1);
        assertThat(List.of(first, second, third)).containsOnly(new Principal("host-1", Set.of(Role.AGENT), "t-1"));
    }

    @Test
    void aCachedTokenIsRejectedFromTheSecondItsExpNames() {
        // Expiring well within the cache's TTL, so that only exp can turn it away.
        long exp = clock.instant().getEpochSecond() + 120;
        String token = token("host-1", exp);
        accepted(jwt.authenticate(token));

        clock.set(Instant.ofEpochSecond(exp - 1));
        accepted(jwt.authenticate(token));
        clock.set(Instant.ofEpochSecond(exp));
        ProblemException expired = rejected(jwt.authenticate(token));

        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.detail()).isEqualTo("the bearer token is invalid or expired");
        assertThat(signatureChecks).as("exp is checked without a new verification").hasValue(1);
        assertThat(jwt.cachedTokens()).as("an expired token is forgotten").isZero();
    }

    @Test
    void failedTokensAreNeverRemembered() {
        JWTAuth otherKey = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-0123")));
        String forged = token(otherKey, "mallory", hourFromNow, null);
        String expired = token("old", clock.instant().getEpochSecond() - 60);
        String eternal = token(minter, "forever", null, null);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(rejected(jwt.authenticate(forged)).detail()).isEqualTo("the bearer token is invalid or expired");
            assertThat(rejected(jwt.authenticate(expired)).detail()).isEqualTo("the bearer token is invalid or expired");
            assertThat(rejected(jwt.authenticate(eternal)).detail()).isEqualTo("the bearer token has no expiry (exp)");
            assertThat(rejected(jwt.authenticate("not.a.token")).status()).isEqualTo(401);
        }

        assertThat(signatureChecks).as("every attempt verified in full").hasValue(8);
        assertThat(jwt.cachedTokens()).isZero();
    }

    @Test
    void eachTokenKeepsItsOwnTokenIdSoRevocationStillSeesTheOldOne() {
        String revoked = token(minter, "host-1", hourFromNow, "t-1");
        String current = token(minter, "host-1", hourFromNow, "t-2");

        for (int round = 0; round < 2; round++) {
            assertThat(accepted(jwt.authenticate(revoked)).tokenId()).isEqualTo("t-1");
            assertThat(accepted(jwt.authenticate(current)).tokenId()).isEqualTo("t-2");
        }
        assertThat(signatureChecks).hasValue(2);
    }

    @Test
    void aRememberedTokenIsVerifiedAgainAfterTheCacheTtl() {
        String token = token("host-1", hourFromNow);
        accepted(jwt.authenticate(token));

        clock.advance(JwtAuthentication.CACHE_TTL.plusSeconds(1));
        accepted(jwt.authenticate(token));

        assertThat(signatureChecks).hasValue(2);
    }

    @Test
    void theCacheIsBounded() {
        JwtAuthentication small = withCacheOf(5);

        for (int host = 0; host < 50; host++) {
            accepted(small.authenticate(token("host-" + host, hourFromNow)));
        }

        assertThat(small.cachedTokens()).isBetween(1L, 5L);
    }

    @Test
    void aSharedPrincipalsRolesCannotBeChanged() {
        Principal principal = accepted(jwt.authenticate(token("host-1", hourFromNow)));

        assertThatThrownBy(() -> principal.roles().add(Role.ADMIN)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(accepted(jwt.authenticate(token("host-1", hourFromNow))).roles()).containsExactly(Role.AGENT);
    }
}
