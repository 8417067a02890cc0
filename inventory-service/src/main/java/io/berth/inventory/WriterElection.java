package io.berth.inventory;

import io.berth.common.config.KafkaConfig;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Elects the one inventory instance that writes, through Kafka itself: every instance joins consumer group
 * {@value #GROUP} on the one-partition topic {@value #TOPIC}, and the member holding partition 0 is the
 * writer. A writer that dies or loses Kafka is dropped from the group after the session timeout and the
 * partition moves on; the sticky assignor keeps it where it is when instances join or leave.
 *
 * <p>Election only decides who <em>tries</em> to write; the {@link FencedChangeLog} makes sure that only the
 * newest writer can, so two instances that both believe they hold the partition never both publish.
 */
final class WriterElection implements AutoCloseable {

    static final String TOPIC = "berth.inventory-writer";
    static final String GROUP = "berth-inventory-writer";
    private static final TopicPartition WRITER_PARTITION = new TopicPartition(TOPIC, 0);

    private final TopicReader member;

    private WriterElection(TopicReader member) {
        this.member = member;
    }

    /** Creates {@value #TOPIC} with one partition if absent (blocking). */
    static void ensureTopic(KafkaConfig config, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(KafkaClients.adminProps(config, "berth-inventory-election-setup"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, config.replicationFactor())))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Joins the election. {@code onElected} and {@code onDeposed} run on the caller's context when this
     * instance gains or loses the writer partition (lost includes being dropped from the group).
     */
    static WriterElection join(Vertx vertx, KafkaConfig config, String clientId, MeterRegistry registry,
                               Duration failover, Runnable onElected, Runnable onDeposed) {
        TopicReader member = TopicReader.group(vertx, config, clientId, GROUP, TOPIC)
                .metrics(registry)
                .handler(records -> null)
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) failover.toMillis())
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                        (int) Math.max(100, failover.toMillis() / 6))
                .consumerProperty(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        CooperativeStickyAssignor.class.getName())
                .onAssigned(partitions -> whenWriterPartition(partitions, onElected))
                .onRevoked(partitions -> whenWriterPartition(partitions, onDeposed))
                .start();
        return new WriterElection(member);
    }

    private static void whenWriterPartition(Collection<TopicPartition> partitions, Runnable action) {
        if (partitions.contains(WRITER_PARTITION)) {
            action.run();
        }
    }

    /** Leaves the group (blocking), handing the role on at once. */
    @Override
    public void close() {
        member.close();
    }
}
