package io.berth.inventory.domain;

/**
 * The outcome of an agent registration: the host's id and pool, the id of the agent token to issue (its
 * {@code jti}) and the heartbeat interval the agent must keep.
 */
public record RegisteredHost(String hostId, String poolId, String agentTokenId, int heartbeatSeconds) {
}
