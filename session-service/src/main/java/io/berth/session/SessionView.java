package io.berth.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.berth.common.events.SessionState;
import io.berth.session.domain.Session;

import java.time.Instant;

/** A session as the admin API answers it (DESIGN.md section 4); {@code endReason} only once ENDED. */
record SessionView(String sessionId, String userId, String hostId, String poolId, SessionState state,
                   Instant createdAt, Instant updatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String endReason) {

    static SessionView of(Session session) {
        return new SessionView(session.sessionId(), session.userId(), session.hostId(), session.poolId(),
                session.state(), session.createdAt(), session.updatedAt(),
                session.state() == SessionState.ENDED && session.endReason() != null
                        ? session.endReason().name() : null);
    }
}
