package io.berth.broker;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import org.junit.jupiter.api.Test;

import java.util.Map;

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
