package io.berth.broker;

import io.berth.broker.domain.Allocation;
import io.berth.broker.domain.AllocationLog;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.Event;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.Topics;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Allocations to {@code berth.allocations} and START commands to {@code berth.host-commands}, acks=all. */
final class KafkaAllocationLog implements AllocationLog {

    private final EventProducer producer;
    private final String brokerNode;
    private final Clock clock;

    KafkaAllocationLog(EventProducer producer, String brokerNode, Clock clock) {
        this.producer = producer;
        this.brokerNode = brokerNode;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> allocated(Allocation allocation) {
        return send(Topics.ALLOCATIONS, allocation.sessionId(), new AllocationEvent(Event.CURRENT_VERSION,
                allocation.sessionId(), allocation.userId(), allocation.poolId(), allocation.hostId(),
                allocation.appGroupId(), clock.instant(), brokerNode));
    }

    @Override
    public CompletionStage<Void> startRequested(String hostId) {
        return send(Topics.HOST_COMMANDS, hostId, new HostCommandEvent(Event.CURRENT_VERSION,
                UUID.randomUUID().toString(), hostId, HostCommandType.START, null, null, null, clock.instant()));
    }

    private CompletionStage<Void> send(String topic, String key, Event event) {
        return producer.send(topic, key, event).<Void>mapEmpty().toCompletionStage();
    }
}
