package io.berth.inventory.domain;

import java.time.Instant;

/**
 * A registration token as kept on {@code berth.config} under key {@code regtoken/{tokenHash}}: only the
 * SHA-256 of the token (lower-case hex) is stored, never the token. Other services ignore the prefix.
 *
 * <p>{@code usesLeft} is how many more new hosts the token may register; {@code null} means no limit (a
 * token issued without {@code maxHosts}, or a record written before limits existed). Each registration of
 * a new host republishes the record with one use less, in the same decision as the host's registration.
 */
public record RegistrationTokenRecord(int v, String poolId, String tokenHash, Instant expiresAt, Integer usesLeft) {

    public static final String KEY_PREFIX = "regtoken/";
    public static final int CURRENT_VERSION = 1;

    public RegistrationTokenRecord {
        v = v == 0 ? CURRENT_VERSION : v;
    }

    /** A token without a use limit. */
    public RegistrationTokenRecord(int v, String poolId, String tokenHash, Instant expiresAt) {
        this(v, poolId, tokenHash, expiresAt, null);
    }

    public String key() {
        return KEY_PREFIX + tokenHash;
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public boolean isSpent() {
        return usesLeft != null && usesLeft <= 0;
    }

    /** This token after one more registration (itself when it has no limit). */
    public RegistrationTokenRecord usedOnce() {
        return usesLeft == null ? this : new RegistrationTokenRecord(v, poolId, tokenHash, expiresAt, usesLeft - 1);
    }
}
