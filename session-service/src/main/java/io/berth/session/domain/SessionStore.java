package io.berth.session.domain;

import io.berth.common.events.SessionState;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every session this service knows, by id, with the indexes its questions need: each host's live sessions and the
 * count of sessions per pool and state. A session stored through {@link #put} is also handed to the
 * {@link DeadlineSchedule}, so the timed decision it now waits for is queued. Not thread-safe: one event loop owns
 * it.
 */
final class SessionStore {

    private static final String NO_POOL = "";

    private final DeadlineSchedule schedule;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Set<String>> liveSessionsByHost = new HashMap<>();
    /** Sessions per pool key and state, indexed by {@link SessionState#ordinal()}. */
    private final Map<String, long[]> countsByPool = new HashMap<>();

    SessionStore(DeadlineSchedule schedule) {
        this.schedule = schedule;
    }

    Session get(String sessionId) {
        return sessions.get(sessionId);
    }

    boolean contains(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    Collection<Session> all() {
        return sessions.values();
    }

    int size() {
        return sessions.size();
    }

    /** The live sessions on a host; {@code null} when it has none. */
    Set<String> liveOn(String hostId) {
        return liveSessionsByHost.get(hostId);
    }

    SessionChange put(Session previous, Session next) {
        return put(previous, next, List.of());
    }

    /** Stores {@code next}; the change to publish, which undoes to {@code previous} and holds the reports again. */
    SessionChange put(Session previous, Session next, List<HeldReport> appliedReports) {
        Session replaced = sessions.put(next.sessionId(), next);
        reindex(replaced, next);
        schedule.stored(replaced, next);
        return new SessionChange(previous, next, appliedReports);
    }

    /**
     * Stores a session whose change is bookkeeping only (when the agent last reported, when its host stopped
     * listing it): nothing published, no index touched.
     */
    void update(Session session) {
        sessions.put(session.sessionId(), session);
    }

    /** Hands the pool's live sessions to the schedule again, for the waits of a limit the pool has just got. */
    void rearmLive(String poolId) {
        for (Session session : sessions.values()) {
            if (session.isLive() && Objects.equals(session.poolId(), poolId)) {
                schedule.limits().stored(null, session);
            }
        }
    }

    void remove(String sessionId) {
        Session removed = sessions.remove(sessionId);
        if (removed != null) {
            reindex(removed, null);
            schedule.removed(sessionId);
        }
    }

    /** The sessions matching the query, oldest first. */
    List<Session> list(SessionQuery query) {
        Collection<Session> candidates = sessions.values();
        if (query.hostId() != null && query.state() != null && query.state().isLive()) {
            candidates = liveSessionsByHost.getOrDefault(query.hostId(), Set.of()).stream()
                    .map(sessions::get).toList();
        }
        return candidates.stream()
                .filter(query::matches)
                .sorted(Comparator.comparing(Session::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(Session::sessionId))
                .toList();
    }

    long count(String poolId, SessionState state) {
        long[] counts = countsByPool.get(poolKey(poolId));
        return counts == null ? 0 : counts[state.ordinal()];
    }

    Set<String> poolsWithSessions() {
        Set<String> pools = new LinkedHashSet<>(countsByPool.keySet());
        pools.remove(NO_POOL);
        return pools;
    }

    /**
     * Brings the indexes from {@code before} (the session the map held, or {@code null}) to {@code after} (the one
     * it holds now, or {@code null} once removed), touching only what a field that changed requires: a logon, the
     * most common change, moves neither the host's live set nor the pool's key, so it costs one count update.
     */
    private void reindex(Session before, Session after) {
        String sessionId = before != null ? before.sessionId() : after.sessionId();
        String liveHostBefore = before != null && before.isLive() ? before.hostId() : null;
        String liveHostAfter = after != null && after.isLive() ? after.hostId() : null;
        if (!Objects.equals(liveHostBefore, liveHostAfter)) {
            if (liveHostBefore != null) {
                Set<String> live = liveSessionsByHost.get(liveHostBefore);
                if (live != null && live.remove(sessionId) && live.isEmpty()) {
                    liveSessionsByHost.remove(liveHostBefore);
                }
            }
            if (liveHostAfter != null) {
                liveSessionsByHost.computeIfAbsent(liveHostAfter, host -> new HashSet<>()).add(sessionId);
            }
        }
        recount(before, after);
    }

    private void recount(Session before, Session after) {
        if (before != null && after != null && Objects.equals(poolKey(before.poolId()), poolKey(after.poolId()))) {
            if (before.state() != after.state()) {
                long[] counts = counts(before.poolId());
                counts[before.state().ordinal()]--;
                counts[after.state().ordinal()]++;
            }
            return;
        }
        if (before != null) {
            counts(before.poolId())[before.state().ordinal()]--;
        }
        if (after != null) {
            counts(after.poolId())[after.state().ordinal()]++;
        }
    }

    private long[] counts(String poolId) {
        return countsByPool.computeIfAbsent(poolKey(poolId), p -> new long[SessionState.values().length]);
    }

    private static String poolKey(String poolId) {
        return poolId == null ? NO_POOL : poolId;
    }
}
