package io.berth.broker.domain;

import io.berth.common.events.LoadThresholds;

/**
 * What a reservation checks on the host's entry, atomically: the pool's {@code maxSessionsPerHost}, its
 * {@code maxConcurrentLogonsPerHost} (0 = no cap) and its load thresholds (null = none), DESIGN.md 1 and 7.4.
 */
public record SlotLimits(int maxSessions, int maxPendingLogons, LoadThresholds loadThresholds) {

    public static SlotLimits of(PoolPolicy pool) {
        return new SlotLimits(pool.maxSessionsPerHost(), pool.maxConcurrentLogonsPerHost(), pool.loadThresholds());
    }

    public static SlotLimits sessionsOnly(int maxSessions) {
        return new SlotLimits(maxSessions, 0, null);
    }
}
