package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HealthCheck;

import java.util.List;

/** One agent heartbeat as received: what the agent says about its host right now; absent lists are empty. */
public record Heartbeat(String hostId, AgentStatus status, List<String> sessionIds, List<HealthCheck> healthChecks) {

    public Heartbeat {
        sessionIds = sessionIds == null ? List.of() : List.copyOf(sessionIds);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
    }
}
