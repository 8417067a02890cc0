package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;

import java.time.Instant;
import java.util.List;

/**
 * One step of a dry run: the phase, the simulated pool after placing the step's demand, the demand that found no
 * slot ({@code rejectedSessions}) and the actions the decision took.
 */
public record SimulatedStep(Instant at, ScalingPhase phase, LoadBalancer loadBalancer, int onHosts,
                            int availableHosts, int liveSessions, int rejectedSessions, int usedPct,
                            List<ScalingAction> actions) {

    public SimulatedStep {
        actions = List.copyOf(actions);
    }
}
