package io.berth.deploy.loadgen;

import io.berth.common.config.KafkaConfig;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.MalformedEventException;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The load generator's power controller input: the commands on {@code berth.host-commands} sent since the run
 * began, each handed to the fleet (which keeps START and STOP for its own hosts). A group of its own per run,
 * so a second generator gets every command too.
 */
final class PowerCommandReader {

    private final TopicReader reader;

    private PowerCommandReader(TopicReader reader) {
        this.reader = reader;
    }

    /** Starts reading on the caller's context; call there. */
    static PowerCommandReader start(Vertx vertx, int kafkaPort, Instant since, Consumer<HostCommandEvent> commands) {
        KafkaConfig kafka = new KafkaConfig("127.0.0.1:" + kafkaPort, 1, (short) 1);
        String member = "berth-loadgen-" + UUID.randomUUID();
        TopicReader reader = TopicReader.group(vertx, kafka, member, member, Topics.HOST_COMMANDS)
                // A VM start takes far longer than a relaxed fetch; prompt fetches would charge Kafka for nothing.
                .relaxedFetch()
                .handler(records -> {
                    for (var record : records) {
                        try {
                            HostCommandEvent command = record.value() == null ? null
                                    : EventCodec.decode(record.value(), HostCommandEvent.class);
                            // A new group reads the topic from its start: earlier runs' commands are not for us.
                            if (command != null && command.at() != null && !command.at().isBefore(since)) {
                                commands.accept(command);
                            }
                        } catch (MalformedEventException e) {
                            // Not a command this controller understands: a real power controller skips it too.
                        }
                    }
                    return null;
                })
                .start();
        return new PowerCommandReader(reader);
    }

    /** Leaves the group and closes the consumer (blocking, so on a worker). */
    Future<Void> close(Vertx vertx) {
        return vertx.executeBlocking(() -> {
            reader.close();
            return null;
        });
    }
}
