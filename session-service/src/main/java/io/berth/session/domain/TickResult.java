package io.berth.session.domain;

import java.util.List;

/**
 * What the periodic sweep decided: session endings to publish (pending timeouts, reconciliation, removed hosts)
 * and the ENDED sessions old enough to be tombstoned on {@code berth.sessions} (already removed from the registry;
 * {@link SessionRegistry#restore} puts one back if its tombstone cannot be published).
 */
public record TickResult(List<SessionChange> changes, List<Session> tombstones) {

    public TickResult {
        changes = List.copyOf(changes);
        tombstones = List.copyOf(tombstones);
    }

    public boolean isEmpty() {
        return changes.isEmpty() && tombstones.isEmpty();
    }
}
