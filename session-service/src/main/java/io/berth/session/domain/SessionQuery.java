package io.berth.session.domain;

import io.berth.common.events.SessionState;

/** A filter over sessions for the admin list; a {@code null} field matches every session. */
public record SessionQuery(String userId, String hostId, String poolId, SessionState state) {

    public boolean matches(Session session) {
        return (userId == null || userId.equals(session.userId()))
                && (hostId == null || hostId.equals(session.hostId()))
                && (poolId == null || poolId.equals(session.poolId()))
                && (state == null || state == session.state());
    }
}
