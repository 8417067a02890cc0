package io.berth.common.events;

import java.time.Instant;

/**
 * A session host registered by its agent into a pool, published on {@code berth.config} under key
 * {@code host/{hostId}}. {@code agentTokenId} identifies the agent token issued at this registration, so a
 * re-registration revokes the tokens issued before it.
 */
public record HostRegistration(int v, String hostId, String poolId, Instant registeredAt, String agentTokenId)
        implements Event {

    public HostRegistration {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
