package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HealthCheck;

import java.util.List;

/** One agent heartbeat as received: what the agent says about its host right now. */
public record Heartbeat(String hostId, AgentStatus status, List<String> sessionIds, List<HealthCheck> healthChecks) {

    public Heartbeat {
        sessionIds = List.copyOf(sessionIds);
        healthChecks = List.copyOf(healthChecks);
    }
}
