package io.berth.inventory;

import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.inventory.domain.Inventory;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The writer's reading of {@code berth.host-commands} (DESIGN.md 7.2): the agents' commands that heartbeat
 * answers carry. Not a consumer group: each new writer reads the topic again from {@link #LOOK_BACK} ago (Kafka's
 * offsets for that time), so a command published shortly before a failover is delivered by the next writer, and
 * the acknowledged ones it finds on {@code berth.config} are left out.
 */
final class HostCommandFeed implements AutoCloseable {

    /** As far back as a command is still delivered. */
    static final Duration LOOK_BACK = Duration.ofMinutes(10);

    private final Inventory inventory;
    private final Clock clock;
    private final TopicReader reader;

    HostCommandFeed(WriterRole.InstanceClients kafka, Inventory inventory, Clock clock) {
        this.inventory = inventory;
        this.clock = clock;
        reader = TopicReader.replay(kafka.vertx(), kafka.config(), kafka.clientId("commands"), Topics.HOST_COMMANDS)
                .replayFrom(() -> clock.instant().minus(LOOK_BACK))
                // commands reach agents at their next heartbeat, seconds away
                .relaxedFetch()
                .metrics(kafka.registry())
                .handler(this::onCommands)
                .start();
    }

    boolean isCaughtUp() {
        return reader.isCaughtUp();
    }

    /** Blocking: closes the consumer. */
    @Override
    public void close() {
        reader.close();
    }

    private Future<?> onCommands(List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                inventory.onHostCommand(EventCodec.decode(record.value(), HostCommandEvent.class), clock.instant());
            } catch (MalformedEventException e) {
                reader.countMalformed(record, e);
            }
        }
        inventory.expireCommands(clock.instant());
        return null;
    }
}
