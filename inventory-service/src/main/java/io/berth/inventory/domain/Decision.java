package io.berth.inventory.domain;

import java.util.List;

/**
 * What the inventory decided for an accepted request: the changes to publish and apply, and the answer to
 * give once they are durable. An empty change list means the request changes nothing (a query, or an
 * idempotent repeat).
 */
public record Decision<T>(List<Change> changes, T answer) implements InventoryOutcome<T> {

    public Decision {
        changes = List.copyOf(changes);
    }

    public static <T> Decision<T> of(T answer, Change... changes) {
        return new Decision<>(List.of(changes), answer);
    }
}
