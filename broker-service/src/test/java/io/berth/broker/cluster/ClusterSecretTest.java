package io.berth.broker.cluster;

import io.berth.broker.BrokerSettings;
import io.berth.broker.cache.BrokerCaches;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.KeyGenerator;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSecretTest {

    @TempDir
    Path dir;

    @Test
    void oneSecretGivesOneKeyPairAndAnotherSecretOthers() {
        ClusterSecret one = ClusterSecret.ofPassphrase("correct horse battery staple");
        ClusterSecret same = ClusterSecret.ofPassphrase("correct horse battery staple");
        ClusterSecret other = ClusterSecret.ofPassphrase("correct horse battery stapler");

        assertThat(one.encryptionKey().getEncoded()).hasSize(32).isEqualTo(same.encryptionKey().getEncoded())
                .isNotEqualTo(other.encryptionKey().getEncoded());
        assertThat(one.authenticationKey()).hasSize(32).isEqualTo(same.authenticationKey())
                .isNotEqualTo(other.authenticationKey())
                .as("the two keys are independent").isNotEqualTo(one.encryptionKey().getEncoded());
        assertThat(one.toString()).doesNotContain("horse");
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> ClusterSecret.ofPassphrase("short")).hasMessageContaining("16 bytes");
    }

    @Test
    void theDefaultFileIsCreatedOnceOwnerOnlyAndReused() throws Exception {
        Path file = dir.resolve("data/cluster-secret");

        ClusterSecret created = new ClusterSecretSource.SecretFile(Optional.empty()).open(dir.resolve("data"));
        ClusterSecret reread = ClusterSecret.loadOrCreate(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(reread.encryptionKey().getEncoded()).isEqualTo(created.encryptionKey().getEncoded());
    }

    @Test
    void aKeystoresSecretKeyEntryIsTheMaterial() throws Exception {
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry("berth-cluster", new KeyStore.SecretKeyEntry(aes.generateKey()),
                new KeyStore.PasswordProtection("store-pass".toCharArray()));
        Path file = dir.resolve("cluster.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "store-pass".toCharArray());
        }

        ClusterSecret fromStore = new ClusterSecretSource.Keystore(file, "store-pass").open(dir);

        assertThat(ClusterSecret.fromKeystore(file, "store-pass").authenticationKey())
                .isEqualTo(fromStore.authenticationKey());
        assertThat(new ClusterSecretSource.Keystore(file, "store-pass").toString()).doesNotContain("store-pass");
        assertThatThrownBy(() -> ClusterSecret.fromKeystore(file, "wrong")).hasMessageContaining("cluster keystore");
    }

    @Test
    void theShippedStacksAreEncryptedAuthenticatedAndBoundToTheConfiguredAddress() throws Exception {
        ClusterSecret secret = ClusterSecret.ofPassphrase("a-secret-of-enough-length");
        BrokerSettings settings = new BrokerSettings("127.0.0.1", 7800, "127.0.0.1[7800]", 100, Optional.empty(),
                300, "g");

        try (JChannel channel = SecureClusterChannel.fromXml(BrokerCaches.defaultStack(settings), secret)
                .createChannel("node")) {
            SYM_ENCRYPT encrypt = channel.getProtocolStack().findProtocol(SYM_ENCRYPT.class);
            assertThat(encrypt.secretKey().getEncoded()).isEqualTo(secret.encryptionKey().getEncoded());
            assertThat(((AUTH) channel.getProtocolStack().findProtocol(AUTH.class)).getAuthToken())
                    .isInstanceOf(ClusterSecretToken.class);
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
            assertThat(tcp.getBindAddress()).isEqualTo(loopback);
            assertThat(tcp.getClientBindAddr()).isEqualTo(loopback);
            assertThat(((FD_SOCK2) channel.getProtocolStack().findProtocol(FD_SOCK2.class)).getBindAddress())
                    .isEqualTo(loopback);
        }
        System.setProperty("jgroups.dns.query", "berth-broker-headless.berth.svc.cluster.local");
        System.setProperty("jgroups.bind.address", "127.0.0.1");
        try (JChannel channel = SecureClusterChannel.fromFile("jgroups/berth-kubernetes.xml", secret)
                .createChannel("node")) {
            SYM_ENCRYPT encrypt = channel.getProtocolStack().findProtocol(SYM_ENCRYPT.class);
            AUTH auth = channel.getProtocolStack().findProtocol(AUTH.class);
            assertThat(encrypt.secretKey()).isNotNull();
            assertThat(auth.getAuthToken()).isInstanceOf(ClusterSecretToken.class);
            TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
            assertThat(tcp.getClientBindAddr()).isEqualTo(tcp.getBindAddress());
            assertThat(((FD_SOCK2) channel.getProtocolStack().findProtocol(FD_SOCK2.class)).getBindAddress())
                    .isEqualTo(tcp.getBindAddress());
        } finally {
            System.clearProperty("jgroups.dns.query");
            System.clearProperty("jgroups.bind.address");
        }
    }

    @Test
    void aStackWithoutEncryptionOrAuthenticationIsRefused() {
        String plain = BrokerCaches.defaultStack(new BrokerSettings("127.0.0.1", 7800, "127.0.0.1[7800]", 100,
                        Optional.empty(), 300, "g"))
                .replaceAll("(?s)<SYM_ENCRYPT[^>]*/>", "");

        assertThatThrownBy(() -> SecureClusterChannel.fromXml(plain,
                ClusterSecret.ofPassphrase("a-secret-of-enough-length")))
                .hasMessageContaining("SYM_ENCRYPT").hasMessageContaining("AUTH");
    }
}
