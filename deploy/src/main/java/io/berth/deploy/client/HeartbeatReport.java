package io.berth.deploy.client;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HostLoad;

import java.util.Collection;
import java.util.List;

/**
 * What one heartbeat says (DESIGN.md 4, 7.2, 7.4): the host's status, the sessions it holds, the commands it
 * acknowledges and its load ({@code null}: not reported, so no threshold filters it).
 */
public record HeartbeatReport(AgentStatus status, Collection<String> sessionIds, Collection<String> ackedCommandIds,
                              HostLoad load) {

    public HeartbeatReport {
        sessionIds = List.copyOf(sessionIds);
        ackedCommandIds = List.copyOf(ackedCommandIds);
    }

    /** An {@code AVAILABLE} host with these sessions, nothing to acknowledge, no load: the section 4 heartbeat. */
    public static HeartbeatReport available(Collection<String> sessionIds) {
        return new HeartbeatReport(AgentStatus.AVAILABLE, sessionIds, List.of(), null);
    }
}
