package io.berth.inventory.api;

import io.berth.inventory.domain.InventoryOutcome;
import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * How the API's decisions become durable. A decision is taken when no conflicting one is waiting for Kafka,
 * and an accepted one is published and applied before the future completes; a refusal completes it as it is.
 * The future fails (a 503 problem) when Kafka did not take the changes: then nothing changed.
 */
public interface InventoryWrites {

    /** Decides and commits with no other decision in flight (anything that reads more than one host). */
    <T> Future<InventoryOutcome<T>> exclusive(Supplier<InventoryOutcome<T>> decide);

    /**
     * Decides and commits after earlier decisions on this host; other hosts' run in parallel. The commit may wait a
     * moment to share a transaction with other hosts' (a heartbeat's answer need not be immediate).
     */
    <T> Future<InventoryOutcome<T>> perHost(String hostId, Supplier<InventoryOutcome<T>> decide);
}
