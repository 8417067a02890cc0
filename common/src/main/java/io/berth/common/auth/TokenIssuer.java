package io.berth.common.auth;

import io.berth.common.config.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/** Mints HS256 tokens with the shared secret: agent tokens at registration, the launcher's tokens. */
public final class TokenIssuer {

    private final JWTAuth provider;

    public TokenIssuer(Vertx vertx, AuthConfig config) {
        String secret = config.hmacSecret().orElseThrow(() -> new IllegalStateException(
                "tokens can only be issued with " + AuthConfig.SECRET + " (HS256), not with a public key"));
        this.provider = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    }

    public String issue(String subject, Collection<Role> roles, Duration ttl) {
        return issue(subject, roles, ttl, Map.of());
    }

    public String issue(String subject, Collection<Role> roles, Duration ttl, Map<String, Object> extraClaims) {
        JsonObject claims = new JsonObject(new java.util.HashMap<>(extraClaims))
                .put("roles", new JsonArray(roles.stream().map(Role::claim).toList()));
        return provider.generateToken(claims, new JWTOptions()
                .setAlgorithm("HS256")
                .setSubject(subject)
                .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
    }
}
