package io.berth.inventory.domain.scaling;

import java.time.Instant;
import java.util.List;

/** A dry run: steps from {@code from} to {@code to} inclusive, every {@code stepMinutes}, under {@code demand}. */
public record SimulationRequest(String poolId, Instant from, Instant to, int stepMinutes, List<DemandPoint> demand) {

    public SimulationRequest {
        demand = demand == null ? List.of() : List.copyOf(demand);
    }
}
