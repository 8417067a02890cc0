package io.berth.inventory.domain;

import java.util.List;

/** The answer to an agent heartbeat: when to send the next one, and the commands for its host (DESIGN.md 7.2). */
public record HeartbeatAnswer(int nextHeartbeatSeconds, List<AgentCommand> commands) {

    public HeartbeatAnswer {
        commands = List.copyOf(commands);
    }
}
