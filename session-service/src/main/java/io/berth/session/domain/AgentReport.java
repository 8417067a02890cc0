package io.berth.session.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One session event reported by a host's agent. {@code at} is the agent's own clock, optional; when present it
 * orders the reports of one session, so a report that was overtaken by a later one is not applied after it.
 */
public record AgentReport(String sessionId, AgentEventType type, String userId, String hostId, Instant at) {

    public AgentReport {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(hostId, "hostId");
    }
}
