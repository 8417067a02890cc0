package io.berth.session;

import io.berth.common.events.EndReason;
import io.berth.common.events.SessionState;
import io.berth.session.domain.Session;

import java.time.Instant;

/** A session as the admin API answers it (DESIGN.md sections 4 and 7.5); {@code endReason} null while live. */
record SessionView(String sessionId, String userId, String hostId, String poolId, SessionState state,
                   Instant createdAt, Instant updatedAt, EndReason endReason) {

    static SessionView of(Session session) {
        return new SessionView(session.sessionId(), session.userId(), session.hostId(), session.poolId(),
                session.state(), session.createdAt(), session.updatedAt(),
                session.state() == SessionState.ENDED ? session.endReason() : null);
    }
}
