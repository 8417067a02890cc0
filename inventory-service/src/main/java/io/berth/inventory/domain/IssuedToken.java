package io.berth.inventory.domain;

import java.time.Instant;

/**
 * A registration token as handed to the admin, the only time the token itself is seen; {@code usesLeft}
 * is {@code null} for a token without a host limit.
 */
public record IssuedToken(String token, Instant expiresAt, Integer usesLeft) {

    public IssuedToken(String token, Instant expiresAt) {
        this(token, expiresAt, null);
    }
}
