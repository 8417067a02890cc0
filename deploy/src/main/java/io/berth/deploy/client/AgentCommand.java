package io.berth.deploy.client;

import io.berth.common.events.HostCommandType;

import java.time.Instant;

/**
 * A command a heartbeat answer carried for the host (DESIGN.md 7.2): a {@code LOGOFF} of one of its sessions
 * or a {@code MESSAGE} to show. The agent acknowledges {@code commandId} in a later heartbeat; until then the
 * inventory sends it again, so the same id may arrive more than once.
 */
public record AgentCommand(String commandId, HostCommandType command, String sessionId, String message, Instant at) {
}
