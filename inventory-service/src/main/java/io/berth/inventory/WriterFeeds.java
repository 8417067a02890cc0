package io.berth.inventory;

import io.berth.inventory.api.InventoryWrites;
import io.berth.inventory.domain.Inventory;

import java.time.Clock;

/**
 * What only the writer reads: {@code berth.allocations} ({@link AllocationFeed}) and {@code berth.host-commands}
 * ({@link HostCommandFeed}). Started when this instance takes the writer role, stopped when it loses it.
 */
final class WriterFeeds implements AutoCloseable {

    private final WriterRole.InstanceClients kafka;
    private final Inventory inventory;
    private final Clock clock;
    private volatile AllocationFeed allocations;
    private volatile HostCommandFeed commands;

    WriterFeeds(WriterRole.InstanceClients kafka, Inventory inventory, Clock clock) {
        this.kafka = kafka;
        this.inventory = inventory;
        this.clock = clock;
    }

    /** Starts the readers not running yet; {@code writes} is where assignments are stored. */
    void start(InventoryWrites writes) {
        if (allocations == null) {
            allocations = new AllocationFeed(kafka.vertx(), kafka.config(), kafka.registry(),
                    kafka.clientId("allocations"), inventory, writes);
        }
        if (commands == null) {
            commands = new HostCommandFeed(kafka, inventory, clock);
        }
    }

    /** Stops both readers (on worker threads). */
    void stop() {
        AllocationFeed stoppedAllocations = allocations;
        HostCommandFeed stoppedCommands = commands;
        allocations = null;
        commands = null;
        if (stoppedAllocations != null) {
            stoppedAllocations.stop();
        }
        if (stoppedCommands != null) {
            // Closing waits for the poll thread: never on the event loop.
            kafka.vertx().executeBlocking(() -> {
                stoppedCommands.close();
                return null;
            }, false);
        }
    }

    boolean allocationsCaughtUp() {
        AllocationFeed feed = allocations;
        return feed != null && feed.isCaughtUp();
    }

    boolean commandsCaughtUp() {
        HostCommandFeed feed = commands;
        return feed != null && feed.isCaughtUp();
    }

    /** Blocking: closes both consumers. */
    @Override
    public void close() {
        AllocationFeed runningAllocations = allocations;
        HostCommandFeed runningCommands = commands;
        try {
            if (runningAllocations != null) {
                runningAllocations.close();
            }
        } finally {
            if (runningCommands != null) {
                runningCommands.close();
            }
        }
    }
}
