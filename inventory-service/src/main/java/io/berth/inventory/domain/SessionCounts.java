package io.berth.inventory.domain;

import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each host's live sessions ({@code PENDING}, {@code ACTIVE}, {@code DISCONNECTED}) as {@code berth.sessions}
 * has them: how many (the host listing) and which, in which state (the scaler's facts).
 */
final class SessionCounts {

    private final Map<String, String> hostOfSession = new HashMap<>();
    /** Per host, its live sessions by id (sorted, so that what the scaler sees does not depend on arrival order). */
    private final Map<String, TreeMap<String, SessionState>> liveByHost = new HashMap<>();

    int liveOn(String hostId) {
        Map<String, SessionState> live = liveByHost.get(hostId);
        return live == null ? 0 : live.size();
    }

    /** The host's live sessions by id, in id order; empty for a host without any. */
    Map<String, SessionState> liveSessionsOn(String hostId) {
        Map<String, SessionState> live = liveByHost.get(hostId);
        return live == null ? Map.of() : new TreeMap<>(live);
    }

    /** A session's state: a live one counts on its host, an ended one does not. */
    void onSession(SessionEvent session) {
        if (session.state() != null && session.state().isLive() && session.hostId() != null) {
            String previous = hostOfSession.put(session.sessionId(), session.hostId());
            if (previous != null && !previous.equals(session.hostId())) {
                remove(previous, session.sessionId());
            }
            liveByHost.computeIfAbsent(session.hostId(), id -> new TreeMap<>()).put(session.sessionId(), session.state());
        } else {
            onSessionRemoved(session.sessionId());
        }
    }

    /** A tombstone on berth.sessions. */
    void onSessionRemoved(String sessionId) {
        String hostId = hostOfSession.remove(sessionId);
        if (hostId != null) {
            remove(hostId, sessionId);
        }
    }

    private void remove(String hostId, String sessionId) {
        Map<String, SessionState> live = liveByHost.get(hostId);
        if (live != null) {
            live.remove(sessionId);
            if (live.isEmpty()) {
                liveByHost.remove(hostId);
            }
        }
    }
}
