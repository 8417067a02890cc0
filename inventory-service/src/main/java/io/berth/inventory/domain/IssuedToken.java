package io.berth.inventory.domain;

import java.time.Instant;

/** A registration token as handed to the admin, the only time the token itself is seen. */
public record IssuedToken(String token, Instant expiresAt) {
}
