package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.Health;
import io.berth.common.events.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostHealthMachineTest {

    private static final HealthCheck DISK_OK = new HealthCheck("disk", true, null);
    private static final HealthCheck FSLOGIX_FAILED = new HealthCheck("fslogix", false, "profile share unreachable");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFreshlyRegisteredHostIsUnavailableUntilItReports() {
        assertThat(HostHealthMachine.registered()).isEqualTo(Health.UNAVAILABLE);
    }

    @Test
    void anAvailableAgentWithPassingChecksIsAvailable() {
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.AVAILABLE, List.of(DISK_OK))).isEqualTo(Health.AVAILABLE);
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.AVAILABLE, List.of())).isEqualTo(Health.AVAILABLE);
    }

    @Test
    void aFailedHealthCheckNeedsAssistanceEvenWhenTheAgentSaysAvailable() {
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.AVAILABLE, List.of(DISK_OK, FSLOGIX_FAILED)))
                .isEqualTo(Health.NEEDS_ASSISTANCE);
    }

    @Test
    void theAgentsOwnStatusIsTaken() {
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.NEEDS_ASSISTANCE, List.of(DISK_OK)))
                .isEqualTo(Health.NEEDS_ASSISTANCE);
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.UPGRADING, List.of(DISK_OK)))
                .isEqualTo(Health.UPGRADING);
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.SHUTDOWN, List.of(DISK_OK)))
                .isEqualTo(Health.SHUTDOWN);
    }

    @Test
    void shuttingDownOrUpgradingWinsOverAFailedCheck() {
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.UPGRADING, List.of(FSLOGIX_FAILED)))
                .isEqualTo(Health.UPGRADING);
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.SHUTDOWN, List.of(FSLOGIX_FAILED)))
                .isEqualTo(Health.SHUTDOWN);
    }

    @ParameterizedTest
    @EnumSource(value = Health.class, names = {"UNAVAILABLE", "AVAILABLE", "NEEDS_ASSISTANCE", "UPGRADING"})
    void threeMissedIntervalsMakeAHostNoHeartbeat(Health current) {
        // given a host with a 30 s interval, last heard of at T0
        // when the clock reaches 89 s, then 90 s
        Health at89 = HostHealthMachine.onClock(current, T0, T0.plusSeconds(89), 30);
        Health at90 = HostHealthMachine.onClock(current, T0, T0.plusSeconds(90), 30);

        // then it is still itself just before three intervals, and NO_HEARTBEAT at three
        assertThat(at89).isEqualTo(current);
        assertThat(at90).isEqualTo(Health.NO_HEARTBEAT);
    }

    @Test
    void aShutDownHostStaysShutDownWhileSilent() {
        assertThat(HostHealthMachine.onClock(Health.SHUTDOWN, T0, T0.plusSeconds(3_600), 30))
                .isEqualTo(Health.SHUTDOWN);
    }

    @Test
    void noHeartbeatStaysUntilTheNextHeartbeatWhichRecoversIt() {
        assertThat(HostHealthMachine.onClock(Health.NO_HEARTBEAT, T0, T0.plusSeconds(3_600), 30))
                .isEqualTo(Health.NO_HEARTBEAT);
        assertThat(HostHealthMachine.onHeartbeat(AgentStatus.AVAILABLE, List.of(DISK_OK)))
                .isEqualTo(Health.AVAILABLE);
    }

    @Test
    void theStalenessLimitFollowsThePoolInterval() {
        assertThat(HostHealthMachine.staleAfter(1)).hasSeconds(3);
        assertThat(HostHealthMachine.onClock(Health.AVAILABLE, T0, T0.plusSeconds(3), 1)).isEqualTo(Health.NO_HEARTBEAT);
    }
}
