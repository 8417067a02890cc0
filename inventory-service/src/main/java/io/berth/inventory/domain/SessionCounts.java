package io.berth.inventory.domain;

import io.berth.common.events.SessionEvent;

import java.util.HashMap;
import java.util.Map;

/** Each host's live sessions ({@code PENDING}, {@code ACTIVE}, {@code DISCONNECTED}) as {@code berth.sessions} has them. */
final class SessionCounts {

    private final Map<String, String> hostOfSession = new HashMap<>();
    private final Map<String, Integer> liveByHost = new HashMap<>();

    int liveOn(String hostId) {
        return liveByHost.getOrDefault(hostId, 0);
    }

    /** A session's state: a live one counts on its host, an ended one does not. */
    void onSession(SessionEvent session) {
        if (session.state() != null && session.state().isLive() && session.hostId() != null) {
            String previous = hostOfSession.put(session.sessionId(), session.hostId());
            if (!session.hostId().equals(previous)) {
                count(previous, -1);
                count(session.hostId(), 1);
            }
        } else {
            onSessionRemoved(session.sessionId());
        }
    }

    /** A tombstone on berth.sessions. */
    void onSessionRemoved(String sessionId) {
        count(hostOfSession.remove(sessionId), -1);
    }

    private void count(String hostId, int delta) {
        if (hostId != null) {
            liveByHost.merge(hostId, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
