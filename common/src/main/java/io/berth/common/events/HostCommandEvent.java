package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A command for one host on {@code berth.host-commands}, keyed by host id (DESIGN.md 7.7). {@code commandId}
 * is what the agent acknowledges; for a {@code LOGOFF} the {@code reason} is the {@link EndReason} the session
 * ends with if the agent does not log it off in time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostCommandEvent(int v, String commandId, String hostId, HostCommandType command, String sessionId,
                               String message, String reason, Instant at) implements Event {

    public HostCommandEvent {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
