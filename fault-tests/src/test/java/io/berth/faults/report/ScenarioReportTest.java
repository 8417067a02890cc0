package io.berth.faults.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioReportTest {

    @Test
    void oneFailedCheckFailsTheScenarioAndTheTableSaysWhich() {
        ScenarioReport report = new ScenarioReport("broker-kill")
                .none("overbooked hosts", List.of())
                .none("users with two live sessions", List.of("alice: s1 and s2"))
                .atMost("survivors' p99", 6_000, 5_000, "ms")
                .figure("broker-1 before n=10");

        assertThat(report.passed()).isFalse();
        assertThat(report.table())
                .contains("ok    overbooked hosts")
                .contains("FAIL  users with two live sessions")
                .contains("1: alice: s1 and s2")
                .contains("FAIL  survivors' p99 <= 5000 ms")
                .contains("broker-1 before n=10")
                .endsWith("broker-kill: FAIL\n");
    }

    @Test
    void aScenarioPassesOnlyWithChecksAllPassed() {
        assertThat(new ScenarioReport("empty").passed()).as("no check is no pass").isFalse();
        assertThat(new ScenarioReport("ok").atLeast("placed", 96, 95, "%").passed()).isTrue();
    }
}
