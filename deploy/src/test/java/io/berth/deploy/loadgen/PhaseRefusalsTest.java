package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The 503s of a phase by the broker's refusal reason: the logon cap's deferrals and the load refusals. */
class PhaseRefusalsTest {

    @Test
    void the503sAreCountedByReasonAndTheLogonCapAndLoadAreNamed() {
        // given three 503s deferred by the logon cap, one for load, one full, one without a reason
        PhaseRecorder recorder = new PhaseRecorder();
        recorder.record("200", true, TimeUnit.MILLISECONDS.toNanos(2));
        for (String reason : new String[] {"logon_cap", "logon_cap", "logon_cap", "load", "full", null}) {
            recorder.record("503", false, TimeUnit.MILLISECONDS.toNanos(1));
            recorder.refused(reason);
        }

        // when
        PhaseResult result = PhaseResult.of("connect", "POST /api/v1/connect", 7, 1.0, 7, recorder);

        // then
        assertThat(result.deferredByLogonCap()).isEqualTo(3);
        assertThat(result.refusedForLoad()).isEqualTo(1);
        assertThat(result.refusals()).containsEntry("full", 1L).containsEntry("unknown", 1L);
        JsonObject json = result.toJson();
        assertThat(json.getLong("deferredByLogonCap")).isEqualTo(3);
        assertThat(json.getLong("refusedForLoad")).isEqualTo(1);
        assertThat(json.getJsonObject("refusedByReason").getLong("full")).isEqualTo(1);
        assertThat(result.text()).contains("3 deferred by the logon cap, 1 for load");
    }

    @Test
    void aPhaseWithoutRefusalsSaysZero() {
        PhaseResult result = PhaseResult.of("connect", "POST /api/v1/connect", 1, 1.0, 0, new PhaseRecorder());

        assertThat(result.deferredByLogonCap()).isZero();
        assertThat(result.refusedForLoad()).isZero();
        assertThat(result.toJson().getJsonObject("refusedByReason").isEmpty()).isTrue();
    }
}
