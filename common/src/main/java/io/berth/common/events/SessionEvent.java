package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A session's current state on {@code berth.sessions} keyed by session id; {@code endReason} only when ENDED. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionEvent(int v, String sessionId, String userId, String poolId, String hostId, SessionState state,
                           Instant createdAt, Instant updatedAt, String endReason) implements Event {

    public SessionEvent {
        v = v == 0 ? CURRENT_VERSION : v;
    }
}
