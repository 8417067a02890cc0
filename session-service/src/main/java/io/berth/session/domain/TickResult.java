package io.berth.session.domain;

import java.util.List;

/**
 * What the periodic sweep decided: session endings to publish (pending timeouts, reconciliation, removed hosts,
 * LOGOFFs not carried out in time), the commands the session limits send on {@code berth.host-commands}, and the
 * ENDED sessions old enough to be tombstoned on {@code berth.sessions} (already removed from the registry;
 * {@link SessionRegistry#restore} puts one back if its tombstone cannot be published).
 */
public record TickResult(List<SessionChange> changes, List<Session> tombstones, List<LimitCommand> commands) {

    public TickResult {
        changes = List.copyOf(changes);
        tombstones = List.copyOf(tombstones);
        commands = List.copyOf(commands);
    }

    public TickResult(List<SessionChange> changes, List<Session> tombstones) {
        this(changes, tombstones, List.of());
    }

    public boolean isEmpty() {
        return changes.isEmpty() && tombstones.isEmpty() && commands.isEmpty();
    }
}
