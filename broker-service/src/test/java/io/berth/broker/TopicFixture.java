package io.berth.broker;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Plays the other services on Kafka for broker tests: writes config, host health and session records as the
 * inventory and session services would (with {@link EventCodec}), and reads what the broker published.
 */
final class TopicFixture implements AutoCloseable {

    private final KafkaClusterExtension kafka;
    private final KafkaProducer<String, byte[]> producer;

    TopicFixture(KafkaClusterExtension kafka) {
        this.kafka = kafka;
        Map<String, Object> props = KafkaClients.producerProps(kafka.kafkaConfig(), "broker-it-fixture");
        // A test may send right after creating the topics, on a busy machine: wait for their metadata.
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(props);
    }

    void send(String topic, String key, Event event) {
        try {
            producer.send(new ProducerRecord<>(topic, key, event == null ? null : EventCodec.encode(event)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void pooled(String poolId, LoadBalancer balancer, int maxSessions) {
        pooled(poolId, balancer, maxSessions, 60);
    }

    void pooled(String poolId, LoadBalancer balancer, int maxSessions, int pendingTimeoutSeconds) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED, balancer,
                maxSessions, PersonalAssignment.AUTOMATIC, false, 30, pendingTimeoutSeconds));
    }

    void personal(String poolId, PersonalAssignment assignment, boolean startVmOnConnect) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.PERSONAL,
                LoadBalancer.BREADTH_FIRST, 1, assignment, startVmOnConnect, 30, 60));
    }

    void appGroup(String appGroupId, String poolId, List<String> users, List<String> groups) {
        send(Topics.CONFIG, ConfigKey.appGroup(appGroupId).asString(), new AppGroupConfig(1, appGroupId, poolId,
                AppGroupType.DESKTOP, users, groups));
    }

    void host(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser) {
        send(Topics.HOST_HEALTH, hostId, new HostHealthEvent(1, hostId, poolId, health, allowNewSessions,
                assignedUser, List.of(), Instant.now(), List.of()));
    }

    void session(AllocationEvent allocation, SessionState state) {
        Instant now = Instant.now();
        send(Topics.SESSIONS, allocation.sessionId(), new SessionEvent(1, allocation.sessionId(),
                allocation.userId(), allocation.poolId(), allocation.hostId(), state, allocation.allocatedAt(), now,
                state == SessionState.ENDED ? "logoff" : null));
    }

    /** The sessions' records in one burst (sent together, then waited for), as a storm brings them. */
    void sessions(List<AllocationEvent> allocations, SessionState state) {
        Instant now = Instant.now();
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (AllocationEvent allocation : allocations) {
            sent.add(producer.send(new ProducerRecord<>(Topics.SESSIONS, allocation.sessionId(), EventCodec.encode(
                    new SessionEvent(1, allocation.sessionId(), allocation.userId(), allocation.poolId(),
                            allocation.hostId(), state, allocation.allocatedAt(), now,
                            state == SessionState.ENDED ? "logoff" : null)))));
        }
        producer.flush();
        try {
            for (java.util.concurrent.Future<?> record : sent) {
                record.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<AllocationEvent> allocations() {
        return readAll(Topics.ALLOCATIONS, AllocationEvent.class);
    }

    List<HostCommandEvent> hostCommands() {
        return readAll(Topics.HOST_COMMANDS, HostCommandEvent.class);
    }

    /** Everything on the topic right now, from the beginning. */
    private <T extends Event> List<T> readAll(String topic, Class<T> type) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumerProps(kafka.kafkaConfig(), "broker-it-reader", null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<T> events = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        events.add(EventCodec.decode(record.value(), type));
                    }
                }
            }
            return events;
        } catch (MalformedEventException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
