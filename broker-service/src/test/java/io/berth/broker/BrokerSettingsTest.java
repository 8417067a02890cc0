package io.berth.broker;

import io.berth.broker.cluster.ClusterSecretSource;
import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerSettingsTest {

    @Test
    void defaultsClusterOnLoopback() {
        BrokerSettings settings = BrokerSettings.load(Env.of(Map.of()));

        assertThat(settings.jgroupsBindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.jgroupsPort()).isEqualTo(7800);
        assertThat(settings.jgroupsInitialHosts()).isEqualTo("127.0.0.1[7800]");
        assertThat(settings.consumerGroup()).isEqualTo("berth-broker");
        assertThat(settings.ticketTtlSeconds()).isEqualTo(300);
        assertThat(settings.ticketKeyFile()).isEmpty();
    }

    @Test
    void theClusterSecretComesFromThePassphraseTheKeystoreOrTheDataDirFile() {
        assertThat(BrokerSettings.load(Env.of(Map.of())).clusterSecret())
                .isEqualTo(new ClusterSecretSource.SecretFile(Optional.empty()));
        BrokerSettings withSecret = BrokerSettings.load(Env.of(Map.of(BrokerSettings.CLUSTER_SECRET,
                "a-long-enough-cluster-secret")));
        assertThat(withSecret.clusterSecret()).isInstanceOf(ClusterSecretSource.Passphrase.class);
        assertThat(withSecret.toString()).doesNotContain("a-long-enough-cluster-secret");
        assertThat(BrokerSettings.load(Env.of(Map.of(BrokerSettings.CLUSTER_KEYSTORE, "/etc/berth/cluster.p12",
                BrokerSettings.CLUSTER_KEYSTORE_PASSWORD, "pw"))).clusterSecret())
                .isEqualTo(new ClusterSecretSource.Keystore(Path.of("/etc/berth/cluster.p12"), "pw"));

        assertThatThrownBy(() -> BrokerSettings.load(Env.of(Map.of(BrokerSettings.CLUSTER_SECRET, "short"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettings.CLUSTER_SECRET);
        assertThatThrownBy(() -> BrokerSettings.load(Env.of(Map.of(BrokerSettings.CLUSTER_KEYSTORE, "/k.p12"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettings.CLUSTER_KEYSTORE_PASSWORD);
    }

    @Test
    void theBoundsHaveGenerousDefaultsAndZeroTurnsAGatewayQuotaOff() {
        BrokerSettings defaults = BrokerSettings.load(Env.of(Map.of()));
        assertThat(defaults.gatewayRatePerSecond()).isEqualTo(20_000);
        assertThat(defaults.gatewayMaxConcurrent()).isEqualTo(10_000);
        assertThat(defaults.idempotencyMaxKeys()).isEqualTo(200_000);

        BrokerSettings off = BrokerSettings.load(Env.of(Map.of(BrokerSettings.GATEWAY_RATE, "0",
                BrokerSettings.GATEWAY_MAX_CONCURRENT, "0")));
        assertThat(off.gatewayRatePerSecond()).isZero();
        assertThat(off.gatewayMaxConcurrent()).isZero();
        assertThatThrownBy(() -> BrokerSettings.load(Env.of(Map.of(BrokerSettings.IDEMPOTENCY_MAX_KEYS, "10"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettings.IDEMPOTENCY_MAX_KEYS);
    }

    @Test
    void theInitialHostsMustBeHostPortPairs() {
        assertThatThrownBy(() -> BrokerSettings.load(Env.of(Map.of(BrokerSettings.JGROUPS_INITIAL_HOSTS, "a:7800"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettings.JGROUPS_INITIAL_HOSTS);
        assertThat(BrokerSettings.load(Env.of(Map.of(BrokerSettings.JGROUPS_INITIAL_HOSTS,
                "10.0.0.1[7800],10.0.0.2[7800]"))).jgroupsInitialHosts()).contains("10.0.0.2[7800]");
    }

    @Test
    void theDefaultStackIsFilledFromTheSettings() {
        BrokerSettings settings = BrokerSettings.load(Env.of(Map.of(BrokerSettings.JGROUPS_PORT, "7900",
                BrokerSettings.JGROUPS_INITIAL_HOSTS, "127.0.0.1[7900],127.0.0.1[7901]")));

        String stack = io.berth.broker.cache.BrokerCaches.defaultStack(settings);

        assertThat(stack).contains("bind_port=\"7900\"", "initial_hosts=\"127.0.0.1[7900],127.0.0.1[7901]\"")
                .doesNotContain("@");
    }
}
