package io.berth.deploy.demo;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one simulated session host knows of its sessions: allocated to it (the user is on the way), logged
 * on, logged off. Its heartbeat reports every session it knows that has not ended, so the session service
 * can reconcile. Plain Java, not thread-safe: the fleet uses it from one Vert.x context.
 */
public final class SimulatedHost {

    /** Where one session stands on this host. */
    public enum Stage { ALLOCATED, LOGGED_ON }

    /** A session on this host and the user it belongs to. */
    public record HostedSession(String sessionId, String userId, Stage stage) {
    }

    private final String hostId;
    private final String agentToken;
    private final Map<String, HostedSession> sessions = new LinkedHashMap<>();

    public SimulatedHost(String hostId, String agentToken) {
        this.hostId = hostId;
        this.agentToken = agentToken;
    }

    public String hostId() {
        return hostId;
    }

    public String agentToken() {
        return agentToken;
    }

    /** A broker placed {@code userId} here; false when the session was already known (a redelivery). */
    public boolean allocated(String sessionId, String userId) {
        return sessions.putIfAbsent(sessionId, new HostedSession(sessionId, userId, Stage.ALLOCATED)) == null;
    }

    /** The user logged on; false when the session is unknown here (ended meanwhile). */
    public boolean loggedOn(String sessionId) {
        HostedSession session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        sessions.put(sessionId, new HostedSession(sessionId, session.userId(), Stage.LOGGED_ON));
        return true;
    }

    /** The session ended on this host (logoff, a failed logon); answers it if it was known. */
    public Optional<HostedSession> ended(String sessionId) {
        return Optional.ofNullable(sessions.remove(sessionId));
    }

    public Optional<HostedSession> session(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    /** The session ids a heartbeat reports: every session this host knows of. */
    public Collection<String> sessionIds() {
        return List.copyOf(sessions.keySet());
    }

    public int sessionCount() {
        return sessions.size();
    }
}
