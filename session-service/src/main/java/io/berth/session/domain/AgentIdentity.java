package io.berth.session.domain;

/**
 * Who sent an agent report, as the agent token says: {@code hostId} is the token's {@code sub}, {@code tokenId}
 * its {@code jti} (null when the token has none).
 */
public record AgentIdentity(String hostId, String tokenId) {
}
