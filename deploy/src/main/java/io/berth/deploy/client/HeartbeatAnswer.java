package io.berth.deploy.client;

import io.berth.common.events.HostCommandType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code POST /api/v1/agent/heartbeat} answers: when to send the next one and the host's unacknowledged
 * commands (DESIGN.md 7.2). Read tolerantly, as an agent written before a newer inventory would: a command it
 * does not know or without an id is left out, and an answer without {@code commands} carries none.
 */
public record HeartbeatAnswer(int nextHeartbeatSeconds, List<AgentCommand> commands) {

    public HeartbeatAnswer {
        commands = List.copyOf(commands);
    }

    /** Reads the answer's JSON body. */
    public static HeartbeatAnswer of(JsonObject body) {
        List<AgentCommand> commands = new ArrayList<>();
        JsonArray listed = body.getJsonArray("commands", new JsonArray());
        for (Object item : listed) {
            if (item instanceof JsonObject command && command.getString("commandId") != null) {
                HostCommandType type = typeOf(command.getString("command"));
                if (type != null) {
                    commands.add(new AgentCommand(command.getString("commandId"), type, command.getString("sessionId"),
                            command.getString("message"), instantOf(command.getString("at"))));
                }
            }
        }
        return new HeartbeatAnswer(body.getInteger("nextHeartbeatSeconds", 30), commands);
    }

    private static HostCommandType typeOf(String name) {
        try {
            return name == null ? null : HostCommandType.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static Instant instantOf(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
