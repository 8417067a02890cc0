package io.berth.common.testing;

import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Tokens signed with {@link KafkaClusterExtension#TEST_JWT_SECRET}, for tests. */
public final class TestTokens {

    private final TokenIssuer issuer;

    public TestTokens(Vertx vertx) {
        this.issuer = new TokenIssuer(vertx, AuthConfig.ofSecret(KafkaClusterExtension.TEST_JWT_SECRET));
    }

    public String admin() {
        return issuer.issue("test-admin", List.of(Role.ADMIN), Duration.ofHours(1));
    }

    public String gateway() {
        return issuer.issue("test-gateway", List.of(Role.GATEWAY), Duration.ofHours(1));
    }

    public String agent(String hostId) {
        return issuer.issue(hostId, List.of(Role.AGENT), Duration.ofHours(1));
    }

    public String agent(String hostId, String tokenId) {
        return issuer.issue(hostId, List.of(Role.AGENT), Duration.ofHours(1), Map.of("jti", tokenId));
    }

    public String with(String subject, List<Role> roles, Duration ttl) {
        return issuer.issue(subject, roles, ttl);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
