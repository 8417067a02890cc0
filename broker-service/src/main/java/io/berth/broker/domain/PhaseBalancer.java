package io.berth.broker.domain;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.ScalingPhase;

/**
 * A pool's current scaling phase as the broker keeps it ({@code berth.config} {@code scaling/{poolId}},
 * DESIGN.md 7.3 and 7.7): while it exists the pool places by its {@code loadBalancer}, not the pool's own.
 */
public record PhaseBalancer(String poolId, String planId, ScalingPhase phase, LoadBalancer loadBalancer) {

    public static PhaseBalancer of(PoolScaling scaling) {
        return new PhaseBalancer(scaling.poolId(), scaling.planId(), scaling.phase(), scaling.loadBalancer());
    }
}
