package io.berth.inventory.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;

import java.time.Instant;

/** One command in a heartbeat answer (DESIGN.md 7.2): what the agent carries out, then acknowledges by id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentCommand(String commandId, HostCommandType command, String sessionId, String message, Instant at) {

    static AgentCommand of(HostCommandEvent event) {
        return new AgentCommand(event.commandId(), event.command(), event.sessionId(), event.message(), event.at());
    }
}
