package io.berth.broker.domain;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds how many new AUTOMATIC personal assignments one broker node starts per pool and minute, so made-up
 * user ids cannot hand out a personal pool's hosts faster than an operator would notice (issue: greedy
 * clients). A token bucket per pool, refilled continuously: a burst of up to a minute's worth, then the rate.
 * The bound is per node (N nodes: N times the setting); a reconnect or a user's own assigned host never counts.
 * Plain Java with the clock passed in; safe for concurrent connects.
 */
public final class AssignmentRate {

    /** No bound: every assignment is allowed. */
    public static final AssignmentRate UNBOUNDED = new AssignmentRate(0);

    private final int perMinute;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perMinute new assignments per pool and minute on this node; 0 = no bound */
    public AssignmentRate(int perMinute) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must be >= 0");
        }
        this.perMinute = perMinute;
    }

    /**
     * Takes one assignment of {@code poolId} at {@code nowMillis}: 0 when allowed, else the whole seconds
     * (at least 1) until the next one will be.
     */
    public int take(String poolId, long nowMillis) {
        if (perMinute == 0) {
            return 0;
        }
        Bucket bucket = buckets.computeIfAbsent(poolId, id -> new Bucket(perMinute, nowMillis));
        synchronized (bucket) {
            bucket.refill(perMinute, nowMillis);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            double millisPerToken = 60_000.0 / perMinute;
            return (int) Math.max(1, Math.ceil((1 - bucket.tokens) * millisPerToken / 1000));
        }
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(int perMinute, long nowMillis) {
            this.tokens = perMinute;
            this.refilledAt = nowMillis;
        }

        void refill(int perMinute, long nowMillis) {
            if (nowMillis > refilledAt) {
                tokens = Math.min(perMinute, tokens + (nowMillis - refilledAt) * perMinute / 60_000.0);
                refilledAt = nowMillis;
            }
        }
    }
}
