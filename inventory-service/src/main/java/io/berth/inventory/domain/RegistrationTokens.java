package io.berth.inventory.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Mints registration tokens (256 random bits, URL-safe) and hashes them. Only the hash is ever stored or
 * published, so a leaked {@code berth.config} does not leak a usable token.
 */
public final class RegistrationTokens {

    private static final String PREFIX = "brt_";
    private static final int RANDOM_BYTES = 32;

    private final SecureRandom random;

    public RegistrationTokens(SecureRandom random) {
        this.random = random;
    }

    public RegistrationTokens() {
        this(new SecureRandom());
    }

    public String newToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of the token's UTF-8 bytes, lower-case hex: the form the token is stored under. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
