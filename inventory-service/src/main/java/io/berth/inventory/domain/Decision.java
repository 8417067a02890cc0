package io.berth.inventory.domain;

import java.util.List;

/**
 * What the inventory decided for one request: the changes to publish and apply, and the answer to give
 * once they are durable. An empty change list means the request changes nothing (an idempotent repeat).
 */
public record Decision<T>(List<Change> changes, T answer) {

    public Decision {
        changes = List.copyOf(changes);
    }

    public static <T> Decision<T> of(T answer, Change... changes) {
        return new Decision<>(List.of(changes), answer);
    }
}
