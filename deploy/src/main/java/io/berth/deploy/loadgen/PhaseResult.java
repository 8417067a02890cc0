package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;

/**
 * What one phase measured: rates, latency percentiles (ms, from due time), outcomes by kind, and the 503s by
 * the broker's refusal reason (among them placements deferred by the logon cap and connects refused for load).
 */
public record PhaseResult(String name, String endpoint, double targetRate, double seconds, long sent, long completed,
                          double throughput, double successThroughput, Latencies latencies,
                          Latencies successLatencies, Latencies sendLag, Map<String, Long> outcomes,
                          Map<String, Long> refusals) {

    /** The broker's refusal labels (DESIGN.md 7.4) the summary names. */
    static final String LOGON_CAP = "logon_cap";
    static final String LOAD = "load";

    public PhaseResult {
        refusals = Map.copyOf(refusals);
    }

    /** A phase without refusals by reason (none counted). */
    public PhaseResult(String name, String endpoint, double targetRate, double seconds, long sent, long completed,
                       double throughput, double successThroughput, Latencies latencies, Latencies successLatencies,
                       Latencies sendLag, Map<String, Long> outcomes) {
        this(name, endpoint, targetRate, seconds, sent, completed, throughput, successThroughput, latencies,
                successLatencies, sendLag, outcomes, Map.of());
    }

    /** Percentiles in milliseconds. */
    public record Latencies(double p50, double p90, double p99, double p999, double max, double mean) {

        static Latencies of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latencies(0, 0, 0, 0, 0, 0);
            }
            return new Latencies(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                    ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                    ms(micros.getMaxValue()), micros.getMean() / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }

        JsonObject toJson() {
            return new JsonObject().put("p50", p50).put("p90", p90).put("p99", p99).put("p999", p999)
                    .put("max", max).put("mean", round(mean));
        }

        String text() {
            return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                    p50, p90, p99, p999, max);
        }
    }

    static PhaseResult of(String name, String endpoint, double targetRate, double seconds, long sent, PhaseRecorder recorder) {
        long ok = recorder.successful().getTotalCount();
        return new PhaseResult(name, endpoint, targetRate, seconds, sent, recorder.completed(),
                recorder.completed() / seconds, ok / seconds, Latencies.of(recorder.all()),
                Latencies.of(recorder.successful()), Latencies.of(recorder.sendLag()), recorder.outcomes(),
                recorder.refusals());
    }

    /** Connects answered 503 because the host's logon cap was reached: placements deferred, not refused for good. */
    public long deferredByLogonCap() {
        return refusals.getOrDefault(LOGON_CAP, 0L);
    }

    /** Connects answered 503 because every host with room was at or above a load threshold. */
    public long refusedForLoad() {
        return refusals.getOrDefault(LOAD, 0L);
    }

    /** Answers that were not a success, as a share of everything due. */
    public double failureShare() {
        long due = outcomes.values().stream().mapToLong(Long::longValue).sum();
        double succeeded = successThroughput * seconds;
        return due == 0 ? 0 : Math.max(0, (due - succeeded) / due);
    }

    public JsonObject toJson() {
        JsonObject outcomesJson = new JsonObject();
        outcomes.forEach(outcomesJson::put);
        JsonObject refusalsJson = new JsonObject();
        refusals.forEach(refusalsJson::put);
        return new JsonObject()
                .put("phase", name)
                .put("endpoint", endpoint)
                .put("targetRate", targetRate)
                .put("seconds", round(seconds))
                .put("sent", sent)
                .put("completed", completed)
                .put("throughput", round(throughput))
                .put("successThroughput", round(successThroughput))
                .put("latencyMs", latencies.toJson())
                .put("successLatencyMs", successLatencies.toJson())
                .put("sendLagMs", sendLag.toJson())
                .put("outcomes", outcomesJson)
                .put("deferredByLogonCap", deferredByLogonCap())
                .put("refusedForLoad", refusedForLoad())
                .put("refusedByReason", refusalsJson);
    }

    public String text() {
        return String.format(Locale.ROOT, """
                %s (%s): target %.0f/s for %.0f s
                  throughput   %.1f/s completed, %.1f/s successful (%d sent, %d completed)
                  latency      %s
                  successes    %s
                  outcomes     %s
                  refused      %d deferred by the logon cap, %d for load (503 by reason: %s)
                  send lag     p99 %.2f ms, max %.2f ms (how late requests left the generator; part of the latencies)
                """, name, endpoint, targetRate, seconds, throughput, successThroughput, sent, completed,
                latencies.text(), successLatencies.text(), outcomes, deferredByLogonCap(), refusedForLoad(), refusals,
                sendLag.p99(), sendLag.max());
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
