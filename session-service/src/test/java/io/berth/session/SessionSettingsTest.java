package io.berth.session;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.session.domain.UnknownReportHold;
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

    @Test
    void reportsForUnknownSessionsAreHeld30SecondsAtMost100PerHostAnd10000InAllByDefault() {
        assertThat(SessionSettings.load(Env.of(Map.of())).unknownReportHold())
                .isEqualTo(new UnknownReportHold(Duration.ofSeconds(30), 100, 10_000));
    }

    @Test
    void theHoldOfReportsForUnknownSessionsIsConfigurable() {
        // given
        Env env = Env.of(Map.of(SessionSettings.UNKNOWN_REPORT_HOLD_SECONDS, "10",
                SessionSettings.UNKNOWN_REPORT_MAX_PER_HOST, "5", SessionSettings.UNKNOWN_REPORT_MAX_TOTAL, "50"));

        // then
        assertThat(SessionSettings.load(env).unknownReportHold())
                .isEqualTo(new UnknownReportHold(Duration.ofSeconds(10), 5, 50));
        for (String variable : new String[]{SessionSettings.UNKNOWN_REPORT_HOLD_SECONDS,
                SessionSettings.UNKNOWN_REPORT_MAX_PER_HOST, SessionSettings.UNKNOWN_REPORT_MAX_TOTAL}) {
            assertThatThrownBy(() -> SessionSettings.load(Env.of(Map.of(variable, "0"))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(variable);
        }
    }
}
