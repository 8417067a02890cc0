package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HealthCheck;
import io.berth.common.events.HostLoad;

import java.util.List;

/**
 * One agent heartbeat as received: what the agent says about its host right now, the commands it has carried
 * out ({@code ackedCommandIds}, DESIGN.md 7.2) and its load (7.4; null when it reported none). Absent lists are
 * empty.
 */
public record Heartbeat(String hostId, AgentStatus status, List<String> sessionIds, List<HealthCheck> healthChecks,
                        List<String> ackedCommandIds, HostLoad load) {

    public Heartbeat {
        sessionIds = sessionIds == null ? List.of() : List.copyOf(sessionIds);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        ackedCommandIds = ackedCommandIds == null ? List.of() : List.copyOf(ackedCommandIds);
    }

    /** A heartbeat that acknowledges nothing and reports no load. */
    public Heartbeat(String hostId, AgentStatus status, List<String> sessionIds, List<HealthCheck> healthChecks) {
        this(hostId, status, sessionIds, healthChecks, List.of(), null);
    }
}
