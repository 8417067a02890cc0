package io.berth.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How tokens are verified: an HS256 shared secret ({@code BERTH_JWT_SECRET}), or an RS256 public key
 * ({@code BERTH_JWT_PUBLIC_KEY}, PEM) when tokens are minted elsewhere. Without either, the secret is read
 * from (or created once in) {@code <dataDir>/jwt-secret} so that every service of one machine shares it.
 * {@link #toString()} never shows the secret.
 */
public final class AuthConfig {

    public static final String SECRET = "BERTH_JWT_SECRET";
    public static final String PUBLIC_KEY = "BERTH_JWT_PUBLIC_KEY";
    public static final String ISSUER = "BERTH_JWT_ISSUER";
    public static final String AUDIENCE = "BERTH_JWT_AUDIENCE";
    private static final int MIN_SECRET_BYTES = 32;

    private final String hmacSecret;
    private final String rsaPublicKeyPem;
    private final String issuer;
    private final String audience;

    private AuthConfig(String hmacSecret, String rsaPublicKeyPem, String issuer, String audience) {
        this.hmacSecret = hmacSecret;
        this.rsaPublicKeyPem = rsaPublicKeyPem;
        this.issuer = issuer;
        this.audience = audience;
    }

    public static AuthConfig ofSecret(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException(SECRET + " must be at least " + MIN_SECRET_BYTES + " bytes long");
        }
        return new AuthConfig(secret, null, null, null);
    }

    public static AuthConfig load(Env env, Path dataDir) {
        return keys(env, dataDir).expecting(env.get(ISSUER), env.get(AUDIENCE));
    }

    private static AuthConfig keys(Env env, Path dataDir) {
        Optional<String> publicKey = env.get(PUBLIC_KEY);
        if (publicKey.isPresent()) {
            if (!publicKey.get().contains("BEGIN PUBLIC KEY")) {
                throw new ConfigException(PUBLIC_KEY + " must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
            }
            return new AuthConfig(null, publicKey.get(), null, null);
        }
        Optional<String> secret = env.get(SECRET);
        if (secret.isPresent()) {
            return ofSecret(secret.get());
        }
        return ofSecret(readOrCreateSecret(dataDir.resolve("jwt-secret")));
    }

    private static String readOrCreateSecret(Path file) {
        try {
            return SecretFiles.readOrCreate(file, 48);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret file " + file
                    + " (set " + SECRET + " instead)", e);
        }
    }

    /**
     * This configuration, additionally requiring tokens to name {@code issuer} as their {@code iss} and
     * {@code audience} among their {@code aud} (each only when present).
     */
    public AuthConfig expecting(Optional<String> issuer, Optional<String> audience) {
        return new AuthConfig(hmacSecret, rsaPublicKeyPem, issuer.orElse(null), audience.orElse(null));
    }

    /** The {@code iss} every token must carry, when {@code BERTH_JWT_ISSUER} is set. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** A value every token's {@code aud} must contain, when {@code BERTH_JWT_AUDIENCE} is set. */
    public Optional<String> audience() {
        return Optional.ofNullable(audience);
    }

    /** The HS256 secret, when tokens are verified (and can be minted) with one. */
    public Optional<String> hmacSecret() {
        return Optional.ofNullable(hmacSecret);
    }

    public Optional<String> rsaPublicKeyPem() {
        return Optional.ofNullable(rsaPublicKeyPem);
    }

    /** Whether this process can mint tokens (launcher, agent registration). */
    public boolean canIssueTokens() {
        return hmacSecret != null;
    }

    @Override
    public String toString() {
        return hmacSecret != null ? "AuthConfig[HS256, secret=***]" : "AuthConfig[RS256 public key]";
    }
}
