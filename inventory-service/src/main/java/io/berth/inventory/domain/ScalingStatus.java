package io.berth.inventory.domain;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.inventory.domain.scaling.Capacity;
import io.berth.inventory.domain.scaling.ScalingAction;
import io.berth.inventory.domain.scaling.ScalingActionKind;

import java.time.Instant;
import java.util.List;

/**
 * A pool's scaling as {@code GET /hostpools/{poolId}/scaling} answers it (DESIGN.md 7.3): the plan, the phase and
 * capacity computed now by the scaler's own decision, and the scaler's recent actions, newest first.
 */
public record ScalingStatus(String planId, String schedule, ScalingPhase phase, LoadBalancer loadBalancer,
                            Capacity capacity, List<ActionView> actions) {

    /** One action as the status and the dry run list it. */
    public record ActionView(Instant at, String hostId, ScalingActionKind action, String reason) {
        public static ActionView of(ScalingAction action) {
            return new ActionView(action.at(), action.hostId(), action.action(), action.reason());
        }
    }
}
