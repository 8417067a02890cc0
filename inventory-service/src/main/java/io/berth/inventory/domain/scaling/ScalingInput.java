package io.berth.inventory.domain.scaling;

import io.berth.common.events.ScalingPlanConfig;

import java.time.Instant;
import java.util.List;

/** Everything one scaling decision for one pool depends on; {@code now} is the caller's clock. */
public record ScalingInput(ScalingPlanConfig plan, String poolId, int maxSessionsPerHost, List<HostFacts> hosts,
                           ScalerMemory memory, Instant now) {

    public ScalingInput {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        memory = memory == null ? ScalerMemory.empty() : memory;
    }
}
