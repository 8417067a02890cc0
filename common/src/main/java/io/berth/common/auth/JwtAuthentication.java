package io.berth.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.common.config.AuthConfig;
import io.berth.common.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Verifies {@code Authorization: Bearer <JWT>} on protected routes: HS256 with the shared secret (or RS256
 * with a configured public key), {@code exp} required and checked, {@code iss} and {@code aud} checked when
 * configured. A missing, forged or expired token is 401, and so is a validly signed one whose claims have
 * the wrong types; a valid token without the route's role is 403. Tokens are never logged.
 *
 * <p>Gateways and agents send the same token with every request, so a token whose signature and claims
 * were verified once is remembered (by its exact text, for a few minutes, a bounded number of them) and not
 * verified again; its {@code exp} is still checked on every request. Only verified tokens are remembered.
 * Whether an agent's token was revoked is not decided here: the services compare its {@code jti} with the
 * host's current token id on every request.
 */
public final class JwtAuthentication {

    /** Far more tokens than the gateways, agents and operators of one deployment use at once. */
    static final long MAX_CACHED_TOKENS = 10_000;
    /** How long a verified token is trusted without a new signature check. */
    static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final Function<String, Future<User>> signatureCheck;
    private final Clock clock;
    private final Cache<String, VerifiedToken> verified;
    private final String expectedIssuer;
    private final String expectedAudience;

    public JwtAuthentication(Vertx vertx, AuthConfig config) {
        this(signatureCheck(vertx, config), Clock.systemUTC(), MAX_CACHED_TOKENS, config);
    }

    JwtAuthentication(Function<String, Future<User>> signatureCheck, Clock clock, long maxCachedTokens) {
        this(signatureCheck, clock, maxCachedTokens, null);
    }

    /**
     * With the full verification of a token, the clock that {@code exp} is checked against, the cache's
     * bound, and the configuration whose issuer and audience tokens must name (null: none): the seams the
     * tests use.
     */
    JwtAuthentication(Function<String, Future<User>> signatureCheck, Clock clock, long maxCachedTokens,
                      AuthConfig expectations) {
        this.signatureCheck = signatureCheck;
        this.clock = clock;
        this.expectedIssuer = expectations == null ? null : expectations.issuer().orElse(null);
        this.expectedAudience = expectations == null ? null : expectations.audience().orElse(null);
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxCachedTokens)
                .expireAfterWrite(CACHE_TTL)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // Evictions run on the caller's thread (a few map operations): no pool of its own to share.
                .executor(Runnable::run)
                .build();
    }

    /** The full check of a token by Vert.x: signature, then exp, iat and nbf against the system clock. */
    static Function<String, Future<User>> signatureCheck(Vertx vertx, AuthConfig config) {
        JWTAuthOptions options = new JWTAuthOptions();
        if (config.hmacSecret().isPresent()) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.hmacSecret().get()));
        } else {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
                    .setBuffer(config.rsaPublicKeyPem().orElseThrow()));
        }
        JWTAuth provider = JWTAuth.create(vertx, options);
        return token -> provider.authenticate(new TokenCredentials(token));
    }

    /** A route handler that lets the request through only with a valid token carrying {@code role}. */
    public Handler<RoutingContext> require(Role role) {
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
                ctx.fail(new ProblemException(401, "Unauthorized", "a bearer token is required"));
                return;
            }
            authenticate(header.substring(7).trim()).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                    return;
                }
                Principal principal = ar.result();
                if (!principal.roles().contains(role)) {
                    ctx.fail(new ProblemException(403, "Forbidden", "this endpoint needs the '" + role.claim() + "' role"));
                    return;
                }
                ctx.put(Principal.CONTEXT_KEY, principal);
                ctx.next();
            });
        };
    }

    /**
     * Who {@code token} speaks for, or a failed future with the 401 {@link ProblemException} to answer: the
     * token is forged, malformed or expired, has no {@code exp}, has claims of the wrong type, or names
     * another issuer or audience than the configured ones. Roles are the caller's to check.
     */
    public Future<Principal> authenticate(String token) {
        VerifiedToken known = verified.getIfPresent(token);
        if (known != null) {
            if (known.expiredAt(clock)) {
                verified.invalidate(token);
                return Future.failedFuture(invalidOrExpired());
            }
            return Future.succeededFuture(known.principal());
        }
        Future<User> checked;
        try {
            checked = signatureCheck.apply(token);
        } catch (RuntimeException malformedClaim) {
            // Vert.x reads some claims (exp, iat, nbf) with typed getters that throw on a claim of another type.
            return Future.failedFuture(invalidOrExpired());
        }
        return checked.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(invalidOrExpired());
            }
            // Vert.x keeps the decoded claims in the user's attributes; the principal holds the raw token.
            JsonObject claims = ar.result().attributes().getJsonObject("accessToken", ar.result().principal());
            VerifiedToken verifiedToken;
            try {
                verifiedToken = verify(claims);
            } catch (ProblemException rejected) {
                return Future.failedFuture(rejected);
            }
            // Vert.x checked exp against the system clock; the same rule against ours keeps a hit and a miss alike.
            if (verifiedToken.expiredAt(clock)) {
                return Future.failedFuture(invalidOrExpired());
            }
            verified.put(token, verifiedToken);
            return Future.succeededFuture(verifiedToken.principal());
        });
    }

    /**
     * The principal of a token whose signature is valid, once its claims have the types Berth reads them as
     * and name the expected issuer and audience; a validly signed token is still input from outside.
     */
    private VerifiedToken verify(JsonObject claims) {
        if (!(claims.getValue("exp") instanceof Number exp)) {
            throw unauthorized(claims.containsKey("exp") ? "the bearer token's 'exp' is not a number"
                    : "the bearer token has no expiry (exp)");
        }
        String subject = optionalStringClaim(claims, "sub");
        String tokenId = optionalStringClaim(claims, "jti");
        Set<Role> roles = rolesOf(claims);
        if (expectedIssuer != null && !expectedIssuer.equals(claims.getValue("iss"))) {
            throw unauthorized("the bearer token was not issued by the expected issuer");
        }
        if (expectedAudience != null && !audienceOf(claims).contains(expectedAudience)) {
            throw unauthorized("the bearer token is not meant for this audience");
        }
        return new VerifiedToken(new Principal(subject, roles, tokenId), exp.longValue());
    }

    private static String optionalStringClaim(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        if (value != null && !(value instanceof String)) {
            throw unauthorized("the bearer token's '" + name + "' is not a string");
        }
        return (String) value;
    }

    /** {@code aud} is one string or an array of them (RFC 7519 section 4.1.3). */
    private static List<Object> audienceOf(JsonObject claims) {
        Object aud = claims.getValue("aud");
        if (aud instanceof String single) {
            return List.of(single);
        }
        if (aud instanceof JsonArray many) {
            return many.getList();
        }
        return List.of();
    }

    /** How many verified tokens are remembered now. */
    long cachedTokens() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private static ProblemException invalidOrExpired() {
        return unauthorized("the bearer token is invalid or expired");
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    /** Absent roles are no roles (403 on every route); roles of another shape make the token invalid. */
    private static Set<Role> rolesOf(JsonObject claims) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Object raw = claims.getValue("roles");
        if (raw == null) {
            return Collections.unmodifiableSet(roles);
        }
        if (!(raw instanceof JsonArray array)) {
            throw unauthorized("the bearer token's 'roles' is not an array of strings");
        }
        for (Object value : array) {
            if (!(value instanceof String claim)) {
                throw unauthorized("the bearer token's 'roles' is not an array of strings");
            }
            // A role Berth does not know grants nothing here (tokens may be shared with other systems).
            Role.fromClaim(claim).ifPresent(roles::add);
        }
        // One principal now serves many requests: nobody may change its roles.
        return Collections.unmodifiableSet(roles);
    }

    /**
     * A token whose signature and claims were valid when it was verified. Of its time claims only {@code exp}
     * can turn it invalid later: {@code iat} and {@code nbf} were already in the past.
     */
    private record VerifiedToken(Principal principal, long expiresAtEpochSecond) {

        /** Vert.x's rule (without leeway): expired from the second {@code exp} names on. */
        boolean expiredAt(Clock clock) {
            return clock.millis() / 1000 >= expiresAtEpochSecond;
        }
    }
}
