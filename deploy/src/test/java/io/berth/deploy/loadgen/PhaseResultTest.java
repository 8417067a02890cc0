package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PhaseResultTest {

    @Test
    void summarisesThroughputPercentilesAndOutcomes() {
        // given 99 fast successes, one slow one and one 503 over a 2 s phase
        PhaseRecorder recorder = new PhaseRecorder();
        for (int i = 0; i < 99; i++) {
            recorder.record("200", true, TimeUnit.MILLISECONDS.toNanos(2));
        }
        recorder.record("200", true, TimeUnit.MILLISECONDS.toNanos(100));
        recorder.record("503", false, TimeUnit.MILLISECONDS.toNanos(1));
        recorder.notSent(3);

        // when
        PhaseResult result = PhaseResult.of("connect", "POST /api/v1/connect", 52, 2.0, 101, recorder);

        // then
        assertThat(result.throughput()).isCloseTo(50.5, within(0.01));
        assertThat(result.successThroughput()).isCloseTo(50.0, within(0.01));
        assertThat(result.successLatencies().p50()).isCloseTo(2.0, within(0.01));
        assertThat(result.successLatencies().max()).isCloseTo(100.0, within(0.1));
        assertThat(result.outcomes()).containsEntry("200", 100L).containsEntry("503", 1L).containsEntry("not-sent", 3L);
        assertThat(result.failureShare()).isCloseTo(4.0 / 104, within(0.001));
        JsonObject json = result.toJson();
        assertThat(json.getJsonObject("latencyMs").getDouble("p99")).isNotNull();
        assertThat(json.getJsonObject("outcomes").getLong("503")).isEqualTo(1L);
    }

    @Test
    void anIntervalIsTakenAndThenStartsAfresh() {
        // given
        PhaseRecorder recorder = new PhaseRecorder();
        recorder.record("200", true, 1_000_000);

        // when
        PhaseRecorder.Interval first = recorder.takeInterval();
        PhaseRecorder.Interval second = recorder.takeInterval();

        // then
        assertThat(first.completed()).isEqualTo(1);
        assertThat(second.completed()).isZero();
        assertThat(recorder.completed()).isEqualTo(1);
    }
}
