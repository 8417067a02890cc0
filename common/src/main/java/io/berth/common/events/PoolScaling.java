package io.berth.common.events;

import java.time.Instant;

/**
 * A pool's current scaling phase on {@code berth.config} under key {@code scaling/{poolId}} (DESIGN.md 7.7):
 * written when the phase changes, tombstoned when the pool leaves its plan. The broker places by its
 * {@code loadBalancer} while it exists.
 */
public record PoolScaling(int v, String poolId, String planId, ScalingPhase phase, LoadBalancer loadBalancer,
                          Instant at) implements Event {

    public PoolScaling {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
