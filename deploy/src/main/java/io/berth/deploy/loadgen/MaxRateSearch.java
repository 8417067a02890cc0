package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code --max} search: the highest rate whose p99 stays under {@code --p99-ms}, with at least 95 % of
 * the target completed and at most 1 % failures. Doubles from {@code --rate} until a step fails, then bisects.
 */
final class MaxRateSearch {

    /** Runs one measured phase and answers what it measured. */
    @FunctionalInterface
    interface Phases {
        PhaseResult run(String name, PhaseDriver.Endpoint endpoint, double rate, Duration duration) throws Exception;
    }

    /** Lets the previous step's stragglers and its logons settle before the next rate is measured. */
    @FunctionalInterface
    interface Pause {
        void between() throws Exception;
    }

    /** Above this share of failed answers a step does not count as held. */
    private static final double MAX_FAILURE_SHARE = 0.01;
    private static final int MAX_STEPS = 12;

    private final LoadGenOptions options;
    private final PrintStream out;
    private final Phases phases;
    private final Pause pause;

    MaxRateSearch(LoadGenOptions options, PrintStream out, Phases phases, Pause pause) {
        this.options = options;
        this.out = out;
        this.phases = phases;
        this.pause = pause;
    }

    /** Searches for {@code endpoint}, adding each step's phase to {@code phaseResults}; answers the search's JSON. */
    JsonObject search(PhaseDriver.Endpoint endpoint, JsonArray phaseResults) throws Exception {
        double held = 0;
        double failed = Double.POSITIVE_INFINITY;
        double rate = options.rate();
        JsonArray steps = new JsonArray();
        for (int step = 1; step <= MAX_STEPS; step++) {
            String label = (endpoint == PhaseDriver.Endpoint.CONNECT ? "max" : "max-noop") + "#" + step;
            PhaseResult result = phases.run(label, endpoint, rate, options.stepDuration());
            phaseResults.add(result.toJson());
            boolean ok = result.successLatencies().p99() <= options.p99BoundMillis()
                    && result.successThroughput() >= 0.95 * rate
                    && result.failureShare() <= MAX_FAILURE_SHARE;
            steps.add(new JsonObject().put("rate", rate).put("held", ok).put("p99", result.successLatencies().p99())
                    .put("throughput", Math.round(result.successThroughput() * 10) / 10.0));
            out.printf(Locale.ROOT, "  step %d: %.0f/s %s (p99 %.2f ms, %.0f/s successful, %.2f %% failed)%n", step,
                    rate, ok ? "held" : "NOT held", result.successLatencies().p99(), result.successThroughput(),
                    result.failureShare() * 100);
            if (ok) {
                held = rate;
            } else {
                failed = rate;
            }
            double nextRate = Double.isInfinite(failed) ? rate * 2 : (held + failed) / 2;
            nextRate = Math.min(options.maxRate(), Math.floor(nextRate));
            boolean converged = !Double.isInfinite(failed) && (failed - held) <= Math.max(50, held * 0.05);
            if (converged || nextRate == rate || (ok && rate >= options.maxRate()) || nextRate < 1) {
                break;
            }
            rate = nextRate;
            pause.between();
        }
        return new JsonObject().put("endpoint", endpoint.description).put("heldRate", held)
                .put("p99BoundMs", options.p99BoundMillis()).put("steps", steps);
    }
}
