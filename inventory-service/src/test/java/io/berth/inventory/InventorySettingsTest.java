package io.berth.inventory;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InventorySettingsTest {

    @Test
    void theDefaultsWorkOnOneMachine() {
        InventorySettings settings = InventorySettings.load(Env.of(Map.of()));

        assertThat(settings.writerFailover()).isEqualTo(Duration.ofSeconds(6));
        assertThat(settings.advertisedUrl("0.0.0.0", 8081)).isEqualTo("http://127.0.0.1:8081");
        assertThat(settings.advertisedUrl("10.1.2.3", 8091)).isEqualTo("http://10.1.2.3:8091");
    }

    @Test
    void anAdvertisedUrlAndFailoverAreTakenFromTheEnvironment() {
        InventorySettings settings = InventorySettings.load(Env.of(Map.of(
                InventorySettings.ADVERTISED_URL, "http://inventory-2.example:8081/",
                InventorySettings.WRITER_FAILOVER_MS, "10000")));

        assertThat(settings.advertisedUrl("0.0.0.0", 8081)).isEqualTo("http://inventory-2.example:8081");
        assertThat(settings.writerFailover()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBadSettingIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> InventorySettings.load(Env.of(Map.of(InventorySettings.ADVERTISED_URL, "10.0.0.5:8081"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(InventorySettings.ADVERTISED_URL);
        assertThatThrownBy(() -> InventorySettings.load(Env.of(Map.of(InventorySettings.WRITER_FAILOVER_MS, "10"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(InventorySettings.WRITER_FAILOVER_MS);
    }
}
