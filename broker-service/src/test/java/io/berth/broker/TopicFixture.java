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
import io.berth.common.events.HostLoad;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.EventWriter;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.TopicRecorder;

import java.time.Instant;
import java.util.List;

/**
 * Plays the other services on Kafka for broker tests: writes config, host health and session records as the
 * inventory and session services would (with {@link EventCodec}), and reads what the broker published.
 */
final class TopicFixture implements AutoCloseable {

    private final KafkaClusterExtension kafka;
    private final EventWriter writer;

    TopicFixture(KafkaClusterExtension kafka) {
        this.kafka = kafka;
        this.writer = new EventWriter(kafka.kafkaConfig());
    }

    void send(String topic, String key, Event event) {
        writer.send(topic, key, event);
    }

    void pooled(String poolId, LoadBalancer balancer, int maxSessions) {
        pooled(poolId, balancer, maxSessions, 60);
    }

    void pooled(String poolId, LoadBalancer balancer, int maxSessions, int pendingTimeoutSeconds) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED, balancer,
                maxSessions, PersonalAssignment.AUTOMATIC, false, 30, pendingTimeoutSeconds));
    }

    /** A pooled pool with a logon cap (0 = none) and load thresholds (null = none), DESIGN.md 7.4. */
    void pooled(String poolId, LoadBalancer balancer, int maxSessions, int maxConcurrentLogons,
                LoadThresholds thresholds) {
        send(Topics.CONFIG, ConfigKey.pool(poolId).asString(), new HostPoolConfig(1, poolId, PoolType.POOLED, balancer,
                maxSessions, PersonalAssignment.AUTOMATIC, false, 30, 60, maxConcurrentLogons, thresholds, 0, 0, 0));
    }

    /** The pool's scaling phase as the inventory's scaler writes it; a null phase is the tombstone. */
    void scaling(String poolId, ScalingPhase phase, LoadBalancer balancer) {
        String key = ConfigKey.scaling(poolId).asString();
        if (phase == null) {
            writer.sendRaw(Topics.CONFIG, key, null);
        } else {
            send(Topics.CONFIG, key, new PoolScaling(1, poolId, "plan-" + poolId, phase, balancer, Instant.now()));
        }
    }

    /** An AVAILABLE host's heartbeat reporting {@code load} (null: none). */
    void hostWithLoad(String hostId, String poolId, HostLoad load) {
        send(Topics.HOST_HEALTH, hostId, new HostHealthEvent(1, hostId, poolId, Health.AVAILABLE, true, null,
                List.of(), Instant.now(), List.of(), List.of(), load));
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
        send(Topics.SESSIONS, allocation.sessionId(), sessionEvent(allocation, state, Instant.now()));
    }

    /** The sessions' records in one burst (sent together, then waited for), as a storm brings them. */
    void sessions(List<AllocationEvent> allocations, SessionState state) {
        Instant now = Instant.now();
        writer.sendAll(Topics.SESSIONS, allocations.stream().map(allocation -> sessionEvent(allocation, state, now))
                .toList(), SessionEvent::sessionId);
    }

    private static SessionEvent sessionEvent(AllocationEvent allocation, SessionState state, Instant now) {
        return new SessionEvent(1, allocation.sessionId(), allocation.userId(), allocation.poolId(),
                allocation.hostId(), state, allocation.allocatedAt(), now, state == SessionState.ENDED ? "logoff" : null);
    }

    List<AllocationEvent> allocations() {
        return readAll(Topics.ALLOCATIONS, AllocationEvent.class);
    }

    List<HostCommandEvent> hostCommands() {
        return readAll(Topics.HOST_COMMANDS, HostCommandEvent.class);
    }

    /** Everything on the topic right now, from the beginning. */
    private <T extends Event> List<T> readAll(String topic, Class<T> type) {
        try (TopicRecorder<byte[]> recorder = TopicRecorder.of(kafka.kafkaConfig(), topic)) {
            return recorder.events(type);
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
