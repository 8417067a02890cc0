package io.berth.inventory.domain;

/**
 * The agent token a registration request carried ({@code Authorization: Bearer}), once verified: the host
 * it speaks for ({@code sub}) and its id ({@code jti}). Only a host's current agent token lets it register
 * again.
 */
public record AgentCredential(String hostId, String tokenId) {
}
