package io.berth.broker.cluster;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a broker node takes the cluster secret from, in order of precedence: {@code BERTH_CLUSTER_SECRET} (a
 * passphrase), {@code BERTH_CLUSTER_KEYSTORE} + {@code BERTH_CLUSTER_KEYSTORE_PASSWORD} (a secret-key entry), or
 * a file created once under {@code BERTH_DATA_DIR} (the one-machine default: every broker of the machine shares
 * it). Its {@code toString} never shows a passphrase or a password.
 */
public sealed interface ClusterSecretSource {

    /** Opens the source; {@code dataDir} places the default file. Blocking (file I/O). */
    ClusterSecret open(Path dataDir);

    /** A passphrase given in the environment. */
    record Passphrase(String passphrase) implements ClusterSecretSource {
        @Override
        public ClusterSecret open(Path dataDir) {
            return ClusterSecret.ofPassphrase(passphrase);
        }

        @Override
        public String toString() {
            return "Passphrase[hidden]";
        }
    }

    /** A keystore holding a secret-key entry. */
    record Keystore(Path path, String password) implements ClusterSecretSource {
        @Override
        public ClusterSecret open(Path dataDir) {
            return ClusterSecret.fromKeystore(path, password);
        }

        @Override
        public String toString() {
            return "Keystore[" + path + "]";
        }
    }

    /** A file of random bytes, created when absent: {@code file}, or {@code <dataDir>/cluster-secret}. */
    record SecretFile(Optional<Path> file) implements ClusterSecretSource {
        @Override
        public ClusterSecret open(Path dataDir) {
            return ClusterSecret.loadOrCreate(file.orElse(dataDir.resolve("cluster-secret")));
        }
    }
}
