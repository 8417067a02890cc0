package io.berth.inventory.domain;

import java.time.Instant;

/**
 * A registration token as kept on {@code berth.config} under key {@code regtoken/{tokenHash}}: only the
 * SHA-256 of the token (lower-case hex) is stored, never the token. Other services ignore the prefix.
 */
public record RegistrationTokenRecord(int v, String poolId, String tokenHash, Instant expiresAt) {

    public static final String KEY_PREFIX = "regtoken/";
    public static final int CURRENT_VERSION = 1;

    public RegistrationTokenRecord {
        v = v == 0 ? CURRENT_VERSION : v;
    }

    public String key() {
        return KEY_PREFIX + tokenHash;
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
