package io.berth.inventory;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@value InventorySettings#SCALER_INTERVAL_SECONDS}: 30 s by default, 1..3600 from the environment. */
class ScalerIntervalSettingTest {

    @Test
    void theScalerRunsEveryThirtySecondsUnlessTold() {
        assertThat(InventorySettings.load(Env.of(Map.of())).scalerInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(InventorySettings.load(Env.of(Map.of(InventorySettings.SCALER_INTERVAL_SECONDS, "5")))
                .scalerInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void anIntervalOutsideOneToThreeThousandSixHundredSecondsIsRefusedNamingTheVariable() {
        for (String bad : new String[]{"0", "3601", "soon"}) {
            assertThatThrownBy(() -> InventorySettings.load(Env.of(Map.of(InventorySettings.SCALER_INTERVAL_SECONDS,
                    bad)))).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(InventorySettings.SCALER_INTERVAL_SECONDS);
        }
    }
}
