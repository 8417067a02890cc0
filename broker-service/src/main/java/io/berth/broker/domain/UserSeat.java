package io.berth.broker.domain;

import io.berth.common.events.SessionState;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's place in one pool: the user's live sessions there, and the claim of a connect in progress.
 *
 * <p>The claim makes "one user never holds two sessions in a pool" hold across broker nodes: a connect that
 * would allocate first claims this entry (a compare-and-set on {@link #revision}), so a second concurrent
 * connect of the same user waits and then reconnects instead of allocating again. A claim left by a node
 * that died is void after its time-to-live.
 */
public record UserSeat(String poolId, String userId, List<SeatSession> sessions, String claimSessionId,
                       long claimedAtMillis, long revision) {

    public UserSeat {
        sessions = sessions == null ? List.of() : List.copyOf(sessions);
    }

    public static UserSeat empty(String poolId, String userId) {
        return new UserSeat(poolId, userId, List.of(), null, 0L, 0L);
    }

    public static String key(String poolId, String userId) {
        return poolId + "/" + userId;
    }

    public String key() {
        return key(poolId, userId);
    }

    public boolean hasLiveClaim(long nowMillis, long claimTtlMillis) {
        return claimSessionId != null && nowMillis - claimedAtMillis < claimTtlMillis;
    }

    /** Whether nothing is left worth keeping: the cache drops such an entry. */
    public boolean isVacant() {
        return sessions.isEmpty() && claimSessionId == null;
    }

    /**
     * Claims the seat for a connect about to allocate {@code sessionId}. Refused (this seat returned
     * unchanged) when the seat changed since the caller decided ({@code expectedRevision}), or another
     * connect's claim is still live.
     */
    public UserSeat claim(String sessionId, long expectedRevision, long nowMillis, long claimTtlMillis) {
        if (revision != expectedRevision || hasLiveClaim(nowMillis, claimTtlMillis)) {
            return this;
        }
        return new UserSeat(poolId, userId, sessions, sessionId, Math.max(1L, nowMillis), revision + 1);
    }

    public boolean isClaimedBy(String sessionId) {
        return sessionId.equals(claimSessionId);
    }

    /** The allocation is durable: the session joins the seat as PENDING and the claim is released. */
    public UserSeat completeClaim(String sessionId, String hostId) {
        List<SeatSession> next = new ArrayList<>(sessions.size() + 1);
        boolean known = false;
        for (SeatSession session : sessions) {
            known |= session.sessionId().equals(sessionId);
            next.add(session);
        }
        if (!known) {
            next.add(new SeatSession(sessionId, hostId, SessionState.PENDING));
        }
        boolean ours = isClaimedBy(sessionId);
        return new UserSeat(poolId, userId, next, ours ? null : claimSessionId, ours ? 0L : claimedAtMillis,
                revision + 1);
    }

    /** The connect gave up (no capacity, Kafka refused): the claim is released, nothing else changes. */
    public UserSeat abandonClaim(String sessionId) {
        if (!isClaimedBy(sessionId)) {
            return this;
        }
        return new UserSeat(poolId, userId, sessions, null, 0L, revision + 1);
    }

    /**
     * A state from {@code berth.sessions}: live states are recorded, ENDED removes the session. A claim for this
     * very session is done: its allocation was stored (the connect's answer may have been a timeout).
     */
    public UserSeat withSession(String sessionId, String hostId, SessionState state) {
        List<SeatSession> next = new ArrayList<>(sessions.size() + 1);
        boolean changed = false;
        boolean found = false;
        for (SeatSession session : sessions) {
            if (!session.sessionId().equals(sessionId)) {
                next.add(session);
                continue;
            }
            found = true;
            if (state.isLive()) {
                SeatSession updated = new SeatSession(sessionId, hostId, state);
                changed |= !updated.equals(session);
                next.add(updated);
            } else {
                changed = true;
            }
        }
        if (!found && state.isLive()) {
            next.add(new SeatSession(sessionId, hostId, state));
            changed = true;
        }
        boolean claimDone = isClaimedBy(sessionId);
        return changed || claimDone
                ? new UserSeat(poolId, userId, next, claimDone ? null : claimSessionId, claimDone ? 0L : claimedAtMillis,
                        revision + 1)
                : this;
    }
}
