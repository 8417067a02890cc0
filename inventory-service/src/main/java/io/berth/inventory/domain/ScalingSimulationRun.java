package io.berth.inventory.domain;

import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.domain.scaling.HostFacts;
import io.berth.inventory.domain.scaling.ScalingSimulation;
import io.berth.inventory.domain.scaling.SimulatedStep;
import io.berth.inventory.domain.scaling.SimulationRequest;

import java.util.List;

/**
 * An accepted dry run, with everything it needs copied out of the inventory, so that {@link #run()} can go to a
 * worker thread while the inventory moves on.
 */
public record ScalingSimulationRun(ScalingPlanConfig plan, int maxSessionsPerHost, List<HostFacts> hostsNow,
                                   SimulationRequest request) {

    public List<SimulatedStep> run() {
        return ScalingSimulation.run(plan, maxSessionsPerHost, hostsNow, request);
    }
}
