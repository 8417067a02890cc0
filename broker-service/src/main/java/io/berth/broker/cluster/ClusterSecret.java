package io.berth.broker.cluster;

import io.berth.common.config.SecretFiles;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Collections;

/**
 * The broker cluster's shared secret, as the two keys JGroups uses: the AES key {@code SYM_ENCRYPT} encrypts
 * every cluster message with, and the HMAC key {@link ClusterSecretToken} proves membership with when a node
 * joins or merges. Both are derived (HKDF-SHA256, one label each) from the configured material, so the secret
 * itself is never sent and one leaked key does not give the other. A node holding other material derives other
 * keys and cannot join. Never printed: {@link #toString()} says nothing about the keys.
 */
public final class ClusterSecret {

    /** Material shorter than this is refused: it could be guessed from a captured join. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecretKey encryptionKey;
    private final byte[] authenticationKey;

    private ClusterSecret(byte[] material) {
        if (material.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret must hold at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.encryptionKey = new SecretKeySpec(derive(material, "berth-jgroups-sym-encrypt-v1", 32), "AES");
        this.authenticationKey = derive(material, "berth-jgroups-auth-v1", 32);
    }

    /** From a passphrase ({@code BERTH_CLUSTER_SECRET}): its UTF-8 bytes are the material. */
    public static ClusterSecret ofPassphrase(String passphrase) {
        return new ClusterSecret(passphrase.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * From the first secret-key entry of a keystore ({@code BERTH_CLUSTER_KEYSTORE}, PKCS12 or JCEKS, e.g. made by
     * {@code keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12}); the password opens the store and the key.
     */
    public static ClusterSecret fromKeystore(Path keystore, String password) {
        char[] pass = password.toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance(keystore.toString().endsWith(".jceks") ? "JCEKS" : "PKCS12");
            store.load(in, pass);
            for (String alias : Collections.list(store.aliases())) {
                if (store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                    Key key = store.getKey(alias, pass);
                    return new ClusterSecret(key.getEncoded());
                }
            }
            throw new IllegalStateException("the cluster keystore " + keystore + " holds no secret key entry");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster keystore " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the cluster keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the secret file (32 random bytes, base64url), creating it readable by its owner only when absent: the
     * one-machine default under {@code BERTH_DATA_DIR}, shared by every broker of that machine.
     */
    public static ClusterSecret loadOrCreate(Path file) {
        try {
            String encoded = SecretFiles.readOrCreate(file, 32);
            return new ClusterSecret(Base64.getUrlDecoder().decode(encoded));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the cluster secret file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the cluster secret file " + file + " must hold at least "
                    + MIN_SECRET_BYTES + " bytes, base64url");
        }
    }

    SecretKey encryptionKey() {
        return encryptionKey;
    }

    byte[] authenticationKey() {
        return authenticationKey.clone();
    }

    private static byte[] derive(byte[] material, String label, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(material, null, label.getBytes(StandardCharsets.US_ASCII)));
        byte[] key = new byte[length];
        hkdf.generateBytes(key, 0, length);
        return key;
    }

    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
