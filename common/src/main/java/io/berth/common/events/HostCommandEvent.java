package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A command for one host's agent on {@code berth.host-commands}, keyed by host id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostCommandEvent(int v, String hostId, HostCommandType command, String sessionId, Instant at)
        implements Event {

    public HostCommandEvent {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
