package io.berth.inventory.domain.scaling;

import io.berth.common.events.SessionState;

/** One live session on a host, as the scaler sees it: its id and whether it is pending, active or disconnected. */
public record SessionFact(String sessionId, SessionState state) {
}
