package io.berth.common.events;

import java.time.Instant;

/** A broker's decision to place a session on a host, on {@code berth.allocations} keyed by session id. */
public record AllocationEvent(int v, String sessionId, String userId, String poolId, String hostId, String appGroupId,
                              Instant allocatedAt, String brokerNode) implements Event {

    public AllocationEvent {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
