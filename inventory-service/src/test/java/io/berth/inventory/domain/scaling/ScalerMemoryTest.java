package io.berth.inventory.domain.scaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.common.events.EventCodec;
import io.berth.common.events.ScalingPhase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.berth.inventory.domain.scaling.ScalingFixtures.PEAK_TIME;
import static org.assertj.core.api.Assertions.assertThat;

/** The scaler's memory survives the common JSON codec unchanged, so the live scaler can keep it on a topic. */
class ScalerMemoryTest {

    @Test
    void aMemoryRoundTripsThroughTheCommonCodec() throws JsonProcessingException {
        ScalerMemory memory = new ScalerMemory(Map.of("h1", PEAK_TIME), Map.of("h2", DrainPurpose.FORCED_LOGOFF),
                Map.of("h2", PEAK_TIME.minusSeconds(60)), Map.of("s1", PEAK_TIME.minusSeconds(30)), ScalingPhase.PEAK,
                List.of(new ScalingAction(PEAK_TIME, "h2", ScalingActionKind.MESSAGE, "s1", "Save your work", "why"),
                        ScalingAction.onHost(PEAK_TIME, "h1", ScalingActionKind.START, "because")));

        String json = EventCodec.mapper().writeValueAsString(memory);

        assertThat(EventCodec.mapper().readValue(json, ScalerMemory.class)).isEqualTo(memory);
        assertThat(EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsString(ScalerMemory.empty()),
                ScalerMemory.class)).isEqualTo(ScalerMemory.empty());
    }
}
