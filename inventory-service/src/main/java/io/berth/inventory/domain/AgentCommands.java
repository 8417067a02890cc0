package io.berth.inventory.domain;

import io.berth.common.events.HostCommandEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's side of the command channel (DESIGN.md 7.2): per host, the {@code LOGOFF} and {@code MESSAGE}
 * commands read from {@code berth.host-commands} that its agent has not acknowledged, each delivered in every
 * heartbeat answer until acknowledged or {@link #LIFETIME} old (by its {@code at}). Acknowledgements are
 * decided here as an {@link AcknowledgedCommands} record to publish, and take effect only once applied, like
 * every other change; a command read again after a failover whose id is acknowledged is not delivered again.
 */
final class AgentCommands {

    /** How long a command is delivered (and its acknowledgement remembered). */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    /** Per host, its undelivered-or-unacknowledged commands by id, in the order they were read. */
    private final Map<String, LinkedHashMap<String, HostCommandEvent>> pending = new HashMap<>();
    /** Per host, the acknowledged command ids with their command's {@code at}, as last published. */
    private final Map<String, AcknowledgedCommands> acknowledged = new HashMap<>();

    /** What a heartbeat gets: the commands to send, and the acknowledgements to publish, if any are new. */
    record Delivery(List<AgentCommand> commands, Optional<AcknowledgedCommands> acks) {
    }

    /** A command read from the topic: kept when it is for the agent, live and not acknowledged. */
    void onCommand(HostCommandEvent command, Instant now) {
        if (command.command() == null || !command.command().forAgent() || command.commandId() == null
                || command.hostId() == null || command.at() == null || expired(command.at(), now)
                || acknowledged(command.hostId()).containsKey(command.commandId())) {
            return;
        }
        pending.computeIfAbsent(command.hostId(), id -> new LinkedHashMap<>())
                .putIfAbsent(command.commandId(), command);
    }

    /**
     * The heartbeat of {@code hostId} acknowledging {@code ackedIds} at {@code now}: its live commands minus
     * those it acknowledges, and the record of its acknowledgements when it acknowledges a command it has
     * (ids it was never sent, or already acknowledged, are ignored). Changes nothing until applied.
     */
    Delivery deliver(String hostId, List<String> ackedIds, Instant now) {
        Map<String, HostCommandEvent> forHost = pending.getOrDefault(hostId, new LinkedHashMap<>());
        Map<String, Instant> acked = new HashMap<>();
        for (String id : ackedIds) {
            HostCommandEvent command = forHost.get(id);
            if (command != null && !expired(command.at(), now)) {
                acked.put(id, command.at());
            }
        }
        List<AgentCommand> commands = new ArrayList<>();
        forHost.values().stream().filter(command -> !expired(command.at(), now) && !acked.containsKey(command.commandId()))
                .map(AgentCommand::of).forEach(commands::add);
        if (acked.isEmpty()) {
            return new Delivery(commands, Optional.empty());
        }
        acknowledged(hostId).forEach((id, at) -> {
            if (!expired(at, now)) {
                acked.putIfAbsent(id, at);
            }
        });
        return new Delivery(commands, Optional.of(new AcknowledgedCommands(AcknowledgedCommands.CURRENT_VERSION,
                hostId, acked)));
    }

    /** Acknowledgements made durable (or read back from {@code berth.config}): never delivered again. */
    void apply(AcknowledgedCommands acks) {
        acknowledged.put(acks.hostId(), acks);
        Map<String, HostCommandEvent> forHost = pending.get(acks.hostId());
        if (forHost != null) {
            forHost.keySet().removeAll(acks.acked().keySet());
        }
    }

    boolean hasAcknowledgements(String hostId) {
        return acknowledged.containsKey(hostId);
    }

    /** A tombstone of a host's acknowledgements (the host was removed). */
    void forget(String hostId) {
        acknowledged.remove(hostId);
        pending.remove(hostId);
    }

    /** Drops the commands that are {@link #LIFETIME} old: they are no longer delivered. */
    void expire(Instant now) {
        pending.values().forEach(commands -> commands.values().removeIf(command -> expired(command.at(), now)));
        pending.values().removeIf(Map::isEmpty);
    }

    private Map<String, Instant> acknowledged(String hostId) {
        AcknowledgedCommands acks = acknowledged.get(hostId);
        return acks == null ? Map.of() : acks.acked();
    }

    private static boolean expired(Instant at, Instant now) {
        return !now.isBefore(at.plus(LIFETIME));
    }
}
