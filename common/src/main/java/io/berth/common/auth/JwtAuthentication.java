package io.berth.common.auth;

import io.berth.common.config.AuthConfig;
import io.berth.common.http.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer <JWT>} on protected routes: HS256 with the shared secret (or RS256
 * with a configured public key), {@code exp} required and checked. A missing, forged or expired token is
 * 401; a valid token without the route's role is 403. Tokens are never logged.
 */
public final class JwtAuthentication {

    private final JWTAuth provider;

    public JwtAuthentication(Vertx vertx, AuthConfig config) {
        JWTAuthOptions options = new JWTAuthOptions();
        if (config.hmacSecret().isPresent()) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.hmacSecret().get()));
        } else {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
                    .setBuffer(config.rsaPublicKeyPem().orElseThrow()));
        }
        this.provider = JWTAuth.create(vertx, options);
    }

    /** A route handler that lets the request through only with a valid token carrying {@code role}. */
    public Handler<RoutingContext> require(Role role) {
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
                ctx.fail(new ProblemException(401, "Unauthorized", "a bearer token is required"));
                return;
            }
            String token = header.substring(7).trim();
            provider.authenticate(new TokenCredentials(token)).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(new ProblemException(401, "Unauthorized", "the bearer token is invalid or expired"));
                    return;
                }
                // Vert.x keeps the decoded claims in the user's attributes; the principal holds the raw token.
                JsonObject claims = ar.result().attributes().getJsonObject("accessToken", ar.result().principal());
                if (!(claims.getValue("exp") instanceof Number)) {
                    ctx.fail(new ProblemException(401, "Unauthorized", "the bearer token has no expiry (exp)"));
                    return;
                }
                Set<Role> roles = rolesOf(claims);
                if (!roles.contains(role)) {
                    ctx.fail(new ProblemException(403, "Forbidden", "this endpoint needs the '" + role.claim() + "' role"));
                    return;
                }
                ctx.put(Principal.CONTEXT_KEY, new Principal(claims.getString("sub"), roles, claims.getString("jti")));
                ctx.next();
            });
        };
    }

    private static Set<Role> rolesOf(JsonObject claims) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Object raw = claims.getValue("roles");
        if (raw instanceof JsonArray array) {
            for (Object value : array) {
                if (value instanceof String claim) {
                    Role.fromClaim(claim).ifPresent(roles::add);
                }
            }
        }
        return roles;
    }
}
