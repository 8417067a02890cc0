package io.berth.deploy.loadgen;

import io.berth.common.events.HostLoad;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedHostOptionsTest {

    @Test
    void defaultsAreNoCapNoThresholdNoLoadedHostsAndTheLaunchersKafka() {
        SimulatedHostOptions hosts = LoadGenOptions.defaults().hosts();

        assertThat(hosts.maxConcurrentLogons()).isZero();
        assertThat(hosts.cpuThresholdPct()).isZero();
        assertThat(hosts.loadedHosts(250)).isZero();
        assertThat(hosts.loadedCpuPct()).isEqualTo(95);
        assertThat(hosts.kafkaPort()).isEqualTo(9092);
    }

    @Test
    void loadedHostsAreAShareOfEachPoolRoundedUp() {
        SimulatedHostOptions hosts = LoadGenOptions.parse("--loaded-hosts-pct", "25",
                "--loaded-cpu-pct", "90", "--cpu-threshold-pct", "80", "--max-concurrent-logons", "2",
                "--kafka-port", "0").hosts();

        assertThat(hosts.loadedHosts(10)).isEqualTo(3);
        assertThat(hosts.loadedHosts(4)).isEqualTo(1);
        assertThat(hosts.loadedCpuPct()).isEqualTo(90);
        assertThat(hosts.cpuThresholdPct()).isEqualTo(80);
        assertThat(hosts.maxConcurrentLogons()).isEqualTo(2);
        assertThat(hosts.kafkaPort()).isZero();
    }

    @Test
    void theFirstHostsOfAPoolReportTheLoadTheOthersAnIdleOneAndWithoutLoadedHostsNoneReports() {
        SimulatedHostOptions loaded = LoadGenOptions.parse("--loaded-hosts-pct", "50", "--loaded-cpu-pct", "97").hosts();

        assertThat(loaded.loadOf(0, 4)).isEqualTo(new HostLoad(97, 60));
        assertThat(loaded.loadOf(1, 4)).isEqualTo(new HostLoad(97, 60));
        assertThat(loaded.loadOf(2, 4)).isEqualTo(SimulatedHostOptions.IDLE_LOAD);
        assertThat(LoadGenOptions.defaults().hosts().loadOf(0, 4)).isNull();
    }

    @Test
    void outOfBoundsValuesNameTheirFlag() {
        assertThatThrownBy(() -> LoadGenOptions.parse("--loaded-hosts-pct", "101"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--loaded-hosts-pct must be between 0 and 100");
        assertThatThrownBy(() -> LoadGenOptions.parse("--max-concurrent-logons", "1001"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--max-concurrent-logons");
        assertThatThrownBy(() -> LoadGenOptions.parse("--cpu-threshold-pct", "-1"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--cpu-threshold-pct");
        assertThatThrownBy(() -> LoadGenOptions.parse("--loaded-cpu-pct", "hot"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--loaded-cpu-pct must be a whole number");
        assertThatThrownBy(() -> LoadGenOptions.parse("--kafka-port", "70000"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--kafka-port");
    }
}
