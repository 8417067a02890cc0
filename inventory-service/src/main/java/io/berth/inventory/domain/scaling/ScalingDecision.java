package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;

import java.util.List;

/**
 * The outcome of one evaluation: the schedule and phase in force, the pool's effective load balancer, its
 * capacity, the actions to carry out in order, and the memory to pass to the next decision.
 */
public record ScalingDecision(String scheduleName, ScalingPhase phase, LoadBalancer loadBalancer, Capacity capacity,
                              List<ScalingAction> actions, ScalerMemory memory) {

    public ScalingDecision {
        actions = List.copyOf(actions);
    }
}
