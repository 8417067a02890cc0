package io.berth.broker.domain;

import io.berth.common.events.SessionState;

/** One live session of a user in a pool, as the user → session index holds it. */
public record SeatSession(String sessionId, String hostId, SessionState state) {
}
