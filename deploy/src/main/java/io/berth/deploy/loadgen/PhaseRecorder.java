package io.berth.deploy.loadgen;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Latencies (in microseconds, from each request's due time) and outcomes of one phase, for the whole
 * phase and for the current one-second interval. Used from one thread (the driver's event loop).
 */
public final class PhaseRecorder {

    private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final Histogram all = new Histogram(MAX_TRACKABLE_MICROS, 3);
    private final Histogram successful = new Histogram(MAX_TRACKABLE_MICROS, 3);
    private final Histogram interval = new Histogram(MAX_TRACKABLE_MICROS, 3);
    private final Histogram sendLag = new Histogram(MAX_TRACKABLE_MICROS, 3);
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final Map<String, Long> refusals = new TreeMap<>();
    private long intervalCompleted;
    private long completed;

    /** A response (or error) arrived {@code latencyNanos} after the request was due. */
    public void record(String outcome, boolean success, long latencyNanos) {
        long micros = Math.min(MAX_TRACKABLE_MICROS, Math.max(1, latencyNanos / 1000));
        all.recordValue(micros);
        interval.recordValue(micros);
        if (success) {
            successful.recordValue(micros);
        }
        outcomes.merge(outcome, 1L, Long::sum);
        completed++;
        intervalCompleted++;
    }

    /**
     * A request left {@code lagNanos} after it was due: the generator's own delay, part of every latency
     * recorded. When it grows, the generator (or the machine it shares) is the bottleneck, not the server.
     */
    public void sent(long lagNanos) {
        sendLag.recordValue(Math.min(MAX_TRACKABLE_MICROS, Math.max(0, lagNanos / 1000)));
    }

    /**
     * A connect answered 503 with this problem {@code reason} (the broker's refusal label: {@code full},
     * {@code logon_cap}, {@code load}, ...; {@code unknown} when the problem had none).
     */
    public void refused(String reason) {
        refusals.merge(reason == null || reason.isBlank() ? "unknown" : reason, 1L, Long::sum);
    }

    /** 503 answers by their problem's {@code reason}. */
    public Map<String, Long> refusals() {
        return Map.copyOf(refusals);
    }

    public Histogram sendLag() {
        return sendLag;
    }

    /** A request that was due but never sent (the phase ended first). */
    public void notSent(long count) {
        if (count > 0) {
            outcomes.merge("not-sent", count, Long::sum);
        }
    }

    public long completed() {
        return completed;
    }

    public Histogram all() {
        return all;
    }

    public Histogram successful() {
        return successful;
    }

    public Map<String, Long> outcomes() {
        return Map.copyOf(outcomes);
    }

    /** The interval's count and histogram, then starts a new interval. */
    public Interval takeInterval() {
        Interval snapshot = new Interval(intervalCompleted, interval.copy());
        interval.reset();
        intervalCompleted = 0;
        return snapshot;
    }

    /** One second's worth of completions. */
    public record Interval(long completed, Histogram latencies) {
    }
}
