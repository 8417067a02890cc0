package io.berth.common.auth;

import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** Who a verified token speaks for: its subject, roles and token id ({@code jti}, may be null). */
public record Principal(String subject, Set<Role> roles, String tokenId) {

    static final String CONTEXT_KEY = "berth.principal";

    /** The principal that {@link JwtAuthentication#require} put on this request. */
    public static Principal of(RoutingContext ctx) {
        Principal principal = ctx.get(CONTEXT_KEY);
        if (principal == null) {
            throw new IllegalStateException("no authenticated principal on this route; add JwtAuthentication.require");
        }
        return principal;
    }
}
