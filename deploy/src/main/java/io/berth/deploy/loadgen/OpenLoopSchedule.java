package io.berth.deploy.loadgen;

/**
 * When each request of an open-model run is due: request {@code i} at {@code start + i / rate}, whatever
 * happened to the requests before it. Latency is then measured from that due time, not from when the
 * request could finally be sent, which corrects for coordinated omission: a server that stalls for a
 * second is charged for every request that was due during that second.
 */
public final class OpenLoopSchedule {

    private final long startNanos;
    private final double intervalNanos;
    private final long total;

    public OpenLoopSchedule(long startNanos, double ratePerSecond, long durationNanos) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.startNanos = startNanos;
        this.intervalNanos = 1e9 / ratePerSecond;
        this.total = (long) Math.floor(durationNanos / intervalNanos);
    }

    /** When request {@code index} (from 0) is due. */
    public long dueAt(long index) {
        return startNanos + (long) (index * intervalNanos);
    }

    /** How many requests are due at {@code nowNanos}, at most {@link #total()}. */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        return Math.min(total, (long) Math.floor((nowNanos - startNanos) / intervalNanos) + 1);
    }

    public long total() {
        return total;
    }

    public long endNanos() {
        return dueAt(total);
    }
}
