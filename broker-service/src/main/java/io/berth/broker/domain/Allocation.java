package io.berth.broker.domain;

/** A new session placed on a host, to be made durable on {@code berth.allocations} before it is answered. */
public record Allocation(String sessionId, String userId, String poolId, String hostId, String appGroupId) {
}
