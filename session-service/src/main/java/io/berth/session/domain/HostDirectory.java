package io.berth.session.domain;

import io.berth.common.events.HostRegistration;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the session service knows of hosts: which are registered (and with which agent token), which were removed
 * from their pool, and which sessions each host's last heartbeat listed. Not thread-safe: one event loop owns it.
 */
final class HostDirectory {

    private final Map<String, HostRegistration> registrations = new HashMap<>();
    private final Set<String> removed = new HashSet<>();
    /** What each host's last heartbeat (evidence only) listed: the sessions its users are logged on to. */
    private final Map<String, Set<String>> lastListed = new HashMap<>();

    void registered(HostRegistration registration) {
        registrations.put(registration.hostId(), registration);
        removed.remove(registration.hostId());
    }

    void removed(String hostId) {
        registrations.remove(hostId);
        lastListed.remove(hostId);
        removed.add(hostId);
    }

    /** The host's current registration; {@code null} when it never registered or was removed since. */
    HostRegistration registration(String hostId) {
        return registrations.get(hostId);
    }

    boolean isRemoved(String hostId) {
        return hostId != null && removed.contains(hostId);
    }

    /** Keeps what a heartbeat of {@code hostId} listed. */
    void listed(String hostId, Set<String> sessionIds) {
        lastListed.put(hostId, sessionIds);
    }

    /** Whether the last heartbeat of the session's host listed it: its user has logged on. */
    boolean isListedByItsHost(Session session) {
        Set<String> listed = lastListed.get(session.hostId());
        return listed != null && listed.contains(session.sessionId());
    }

    /** The sessions each host's last heartbeat listed, by host id. */
    Map<String, Set<String>> lastListed() {
        return lastListed;
    }
}
