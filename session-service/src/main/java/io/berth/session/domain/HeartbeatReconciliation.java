package io.berth.session.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.SessionState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reconciles sessions with what their hosts' heartbeats list: a live session its host stopped listing is marked
 * (the sweep ends it after the pool's grace), and a PENDING session its host lists has been logged on to and becomes
 * ACTIVE. Not thread-safe: one event loop owns it.
 */
final class HeartbeatReconciliation {

    private final SessionStore store;
    private final HostDirectory hosts;
    private final DeadlineSchedule schedule;

    HeartbeatReconciliation(SessionStore store, HostDirectory hosts, DeadlineSchedule schedule) {
        this.store = store;
        this.hosts = hosts;
        this.schedule = schedule;
    }

    /**
     * A host's health snapshot. It tells which sessions the host still has: a live, non-PENDING session it does not
     * list is marked, and ends in {@link SessionSweep} once it has stayed unlisted for the pool's
     * {@link PoolTimings#reconciliationGrace()}; a listed one is unmarked. A PENDING session the host lists has been
     * logged on to (its LOGON report was lost or is late) and becomes ACTIVE. A snapshot not built from a heartbeat
     * (a {@code NO_HEARTBEAT} or {@code UNAVAILABLE} host) is no evidence either way and clears the marks.
     *
     * <p>A heartbeat taken before the session last changed says nothing about it (a heartbeat sent just before a
     * logon does not list the new session), so it does not mark it.
     */
    List<SessionChange> onHostHealth(HostHealthEvent snapshot, Instant now, Predicate<String> owns) {
        if (snapshot.hostId() == null || snapshot.hostId().isBlank()) {
            return List.of();
        }
        boolean evidence = isEvidence(snapshot);
        Set<String> listed = evidence ? new HashSet<>(snapshot.sessionIds()) : Set.of();
        if (evidence) {
            hosts.listed(snapshot.hostId(), listed);
        }
        Set<String> live = store.liveOn(snapshot.hostId());
        if (live == null) {
            return List.of();
        }
        List<Session> loggedOn = null;
        // Only bookkeeping inside the loop (no change to the host's live set); the moves come after it.
        for (String sessionId : live) {
            Session session = store.get(sessionId);
            if (!evidence || listed.contains(sessionId)) {
                if (session.unlistedSince() != null) {
                    session = session.withUnlistedSince(null);
                    store.update(session);
                }
                if (evidence && session.state() == SessionState.PENDING && owns.test(sessionId)) {
                    if (loggedOn == null) {
                        loggedOn = new ArrayList<>();
                    }
                    loggedOn.add(session);
                }
            } else if (session.state() != SessionState.PENDING && session.unlistedSince() == null
                    && !takenBefore(snapshot, session)) {
                Session marked = session.withUnlistedSince(now);
                store.update(marked);
                schedule.arm(session, marked);
            }
        }
        if (loggedOn == null) {
            return List.of();
        }
        List<SessionChange> changes = new ArrayList<>(loggedOn.size());
        for (Session session : loggedOn) {
            changes.add(store.put(session, session.movedTo(SessionState.ACTIVE, now, null)));
        }
        return changes;
    }

    /** The owned PENDING sessions their host's last heartbeat listed become ACTIVE. */
    List<SessionChange> activateListedPending(Instant now, Predicate<String> owns) {
        List<SessionChange> changes = new ArrayList<>();
        for (Map.Entry<String, Set<String>> host : hosts.lastListed().entrySet()) {
            for (String sessionId : host.getValue()) {
                Session session = store.get(sessionId);
                if (session != null && session.state() == SessionState.PENDING
                        && host.getKey().equals(session.hostId()) && owns.test(sessionId)) {
                    changes.add(store.put(session, session.movedTo(SessionState.ACTIVE, now, null)));
                }
            }
        }
        return changes;
    }

    /**
     * Only a snapshot built from a heartbeat says which sessions a host has: not one for a host that stopped
     * heartbeating ({@code NO_HEARTBEAT}), nor one for a host registered that has not reported yet
     * ({@code UNAVAILABLE} without a heartbeat).
     */
    private static boolean isEvidence(HostHealthEvent snapshot) {
        return snapshot.lastHeartbeat() != null && snapshot.health() != Health.NO_HEARTBEAT
                && snapshot.health() != Health.UNAVAILABLE;
    }

    /** A heartbeat taken before the session last changed says nothing about it. */
    private static boolean takenBefore(HostHealthEvent snapshot, Session session) {
        return snapshot.lastHeartbeat() != null && session.updatedAt() != null
                && snapshot.lastHeartbeat().isBefore(session.updatedAt());
    }
}
