package io.berth.session;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionSettingsTest {

    @Test
    void withoutVariablesEndedSessionsStayADayAndTheSweepRunsEverySecond() {
        assertThat(SessionSettings.load(Env.of(Map.of()))).isEqualTo(
                new SessionSettings(Duration.ofHours(24), Duration.ofSeconds(1)));
    }

    @Test
    void variablesOverrideTheDefaults() {
        // given
        Env env = Env.of(Map.of(SessionSettings.ENDED_RETENTION, "PT36H", SessionSettings.SWEEP_MILLIS, "250"));

        // then
        assertThat(SessionSettings.load(env)).isEqualTo(
                new SessionSettings(Duration.ofHours(36), Duration.ofMillis(250)));
    }

    @Test
    void anInvalidValueNamesItsVariable() {
        assertThatThrownBy(() -> SessionSettings.load(Env.of(Map.of(SessionSettings.ENDED_RETENTION, "a day"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(SessionSettings.ENDED_RETENTION);
        assertThatThrownBy(() -> SessionSettings.load(Env.of(Map.of(SessionSettings.SWEEP_MILLIS, "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(SessionSettings.SWEEP_MILLIS);
        assertThatThrownBy(() -> SessionSettings.load(Env.of(Map.of(SessionSettings.ENDED_RETENTION, "-PT1H"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(SessionSettings.ENDED_RETENTION);
    }
}
