package io.berth.broker.ticket;

import io.berth.common.config.SecretFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.common.events.EventCodec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs connect tickets: JWS compact, {@code alg: EdDSA} (Ed25519, BouncyCastle's lightweight signer, about
 * 35 µs a signature), claims {@code sessionId, userId, hostId, iat, exp}. Agents verify them offline with the
 * public key published as a JWK Set at {@code GET /api/v1/ticket-key}; {@code kid} names the key.
 *
 * <p>Every broker node must sign with the same key (tickets from any node verify with the one key set): the
 * key is a file of the 32-byte Ed25519 seed, base64url, shared by the nodes ({@code BERTH_TICKET_KEY_FILE},
 * default {@code <dataDir>/ticket-key}, created once if absent). Ed25519 is deterministic, so the same
 * claims always give the same ticket (an idempotent replay returns the same answer). Thread-safe.
 */
public final class TicketSigner {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Ed25519PrivateKeyParameters privateKey;
    private final String keyId;
    private final String publicKeyBase64Url;
    private final String encodedHeader;

    public TicketSigner(byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        Ed25519PublicKeyParameters publicKey = privateKey.generatePublicKey();
        byte[] publicBytes = publicKey.getEncoded();
        this.publicKeyBase64Url = BASE64URL.encodeToString(publicBytes);
        this.keyId = "berth-" + BASE64URL.encodeToString(sha256(publicBytes)).substring(0, 16);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "EdDSA");
        header.put("typ", "JWT");
        header.put("kid", keyId);
        this.encodedHeader = BASE64URL.encodeToString(json(header));
    }

    /** Reads the key file, or creates it (readable by its owner only) when absent. */
    public static TicketSigner loadOrCreate(Path keyFile) {
        try {
            byte[] seed = Base64.getUrlDecoder().decode(
                    SecretFiles.readOrCreate(keyFile, Ed25519PrivateKeyParameters.KEY_SIZE));
            if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
                throw new IllegalStateException("the ticket key file " + keyFile + " must hold a 32-byte Ed25519 seed"
                        + " (base64url)");
            }
            return new TicketSigner(seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the ticket key file " + keyFile, e);
        }
    }

    public String keyId() {
        return keyId;
    }

    /** A signed ticket for the session, issued at {@code issuedAtSeconds} and valid for {@code ttlSeconds}. */
    public String sign(String sessionId, String userId, String hostId, long issuedAtSeconds, long ttlSeconds) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sessionId", sessionId);
        claims.put("userId", userId);
        claims.put("hostId", hostId);
        claims.put("iat", issuedAtSeconds);
        claims.put("exp", issuedAtSeconds + ttlSeconds);
        String signingInput = encodedHeader + "." + BASE64URL.encodeToString(json(claims));
        byte[] message = signingInput.getBytes(StandardCharsets.US_ASCII);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signingInput + "." + BASE64URL.encodeToString(signer.generateSignature());
    }

    /**
     * The issue time to sign a replayed answer with: the original one while its ticket still has at least half its
     * lifetime ahead (so a prompt replay is the same ticket, byte for byte), else the latest half-lifetime step
     * after it. A replay's ticket is therefore always valid for at least half the lifetime, and steady within a
     * step (Ed25519 is deterministic).
     */
    public static long reissueTime(long issuedAtSeconds, long nowSeconds, long ttlSeconds) {
        long step = Math.max(1, ttlSeconds / 2);
        if (nowSeconds <= issuedAtSeconds) {
            return issuedAtSeconds;
        }
        return issuedAtSeconds + (nowSeconds - issuedAtSeconds) / step * step;
    }

    /** The public key as a JWK Set (RFC 7517, OKP key type of RFC 8037). */
    public Map<String, Object> jwkSet() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("kty", "OKP");
        key.put("crv", "Ed25519");
        key.put("x", publicKeyBase64Url);
        key.put("kid", keyId);
        key.put("use", "sig");
        key.put("alg", "EdDSA");
        return Map.of("keys", List.of(key));
    }

    private static byte[] json(Map<String, Object> value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
