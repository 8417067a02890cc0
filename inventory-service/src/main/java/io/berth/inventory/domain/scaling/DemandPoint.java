package io.berth.inventory.domain.scaling;

import java.time.Instant;

/** From {@code at} on, the dry run wants {@code sessions} live sessions in the pool (current ones included). */
public record DemandPoint(Instant at, int sessions) {
}
