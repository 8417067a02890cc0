package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MaxRateSearchTest {

    private final List<Double> triedRates = new ArrayList<>();
    private int pauses;

    @Test
    void doublesUntilAStepFailsThenBisectsToTheHighestRateHeld() throws Exception {
        // given a server whose p99 stays under 25 ms up to 3000/s, and a search starting at 1000/s
        LoadGenOptions options = LoadGenOptions.parse("--max", "--rate", "1000");
        MaxRateSearch search = new MaxRateSearch(options, quietConsole(), (name, endpoint, rate, duration) -> {
            triedRates.add(rate);
            return phase(name, rate, rate <= 3000 ? 5 : 80, duration);
        }, () -> pauses++);
        JsonArray phases = new JsonArray();

        // when
        JsonObject max = search.search(PhaseDriver.Endpoint.CONNECT, phases);

        // then 1000 and 2000 held, 4000 failed, bisection closed in on 3000 within 5 %
        assertThat(triedRates).startsWith(1000.0, 2000.0, 4000.0, 3000.0);
        assertThat(max.getDouble("heldRate")).isBetween(2850.0, 3000.0);
        assertThat(max.getString("endpoint")).isEqualTo("POST /api/v1/connect");
        assertThat(max.getJsonArray("steps")).hasSize(triedRates.size());
        assertThat(phases).hasSize(triedRates.size());
        assertThat(pauses).isEqualTo(triedRates.size() - 1);
    }

    @Test
    void neverTriesMoreThanTheMaxRate() throws Exception {
        // given a server that holds every rate, and --max-rate 3000
        LoadGenOptions options = LoadGenOptions.parse("--max", "--rate", "1000", "--max-rate", "3000");
        MaxRateSearch search = new MaxRateSearch(options, quietConsole(), (name, endpoint, rate, duration) -> {
            triedRates.add(rate);
            return phase(name, rate, 1, duration);
        }, () -> pauses++);

        // when
        JsonObject max = search.search(PhaseDriver.Endpoint.NOOP, new JsonArray());

        // then
        assertThat(triedRates).containsExactly(1000.0, 2000.0, 3000.0);
        assertThat(max.getDouble("heldRate")).isEqualTo(3000.0);
    }

    private static PhaseResult phase(String name, double rate, double p99Millis, Duration duration) {
        double seconds = duration.toSeconds();
        long answered = Math.round(rate * seconds);
        PhaseResult.Latencies latencies = new PhaseResult.Latencies(1, 2, p99Millis, p99Millis, p99Millis, 1);
        return new PhaseResult(name, "POST /api/v1/connect", rate, seconds, answered, answered, rate, rate,
                latencies, latencies, latencies, Map.of("200", answered));
    }

    private static PrintStream quietConsole() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
