package io.berth.deploy.loadgen;

/**
 * When each request of an open-model run is due: request {@code i} at {@code start + i / rate}, whatever
 * happened to the requests before it. Latency is then measured from that due time, not from when the
 * request could finally be sent, which corrects for coordinated omission: a server that stalls for a
 * second is charged for every request that was due during that second.
 *
 * <p>A ramp ({@link #ramp}) raises the rate linearly over the run: a warm-up that starts a cold JVM at its
 * full rate buries it before its JIT compilers have caught up (on 2 cores they take minutes), and
 * the backlog then outlives the warm-up.
 */
public final class OpenLoopSchedule {

    private final long startNanos;
    /** Requests per nanosecond at the start, and how much that grows per nanosecond. */
    private final double startRate;
    private final double rateGrowth;
    private final long total;

    public OpenLoopSchedule(long startNanos, double ratePerSecond, long durationNanos) {
        this(startNanos, ratePerSecond, ratePerSecond, durationNanos);
    }

    private OpenLoopSchedule(long startNanos, double fromPerSecond, double toPerSecond, long durationNanos) {
        if (fromPerSecond <= 0 || toPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.startNanos = startNanos;
        this.startRate = fromPerSecond / 1e9;
        this.rateGrowth = (toPerSecond - fromPerSecond) / 1e9 / durationNanos;
        this.total = (long) Math.floor(countBy(durationNanos) + 1e-6);
    }

    /** A run whose rate grows linearly from {@code fromPerSecond} to {@code toPerSecond}. */
    public static OpenLoopSchedule ramp(long startNanos, double fromPerSecond, double toPerSecond, long durationNanos) {
        return new OpenLoopSchedule(startNanos, fromPerSecond, toPerSecond, durationNanos);
    }

    /** How many requests the schedule holds in its first {@code elapsedNanos} (not rounded). */
    private double countBy(double elapsedNanos) {
        return startRate * elapsedNanos + rateGrowth * elapsedNanos * elapsedNanos / 2;
    }

    /** When request {@code index} (from 0) is due. */
    public long dueAt(long index) {
        if (rateGrowth == 0) {
            return startNanos + (long) (index / startRate);
        }
        // countBy(t) = index, solved for t
        double elapsed = (-startRate + Math.sqrt(startRate * startRate + 2 * rateGrowth * index)) / rateGrowth;
        return startNanos + (long) elapsed;
    }

    /** How many requests are due at {@code nowNanos}, at most {@link #total()}. */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        return Math.min(total, (long) Math.floor(countBy(nowNanos - startNanos) + 1e-6) + 1);
    }

    public long total() {
        return total;
    }

    public long endNanos() {
        return dueAt(total);
    }
}
