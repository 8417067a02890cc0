package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One user session as the session service knows it: the fields published on {@code berth.sessions}, plus three
 * bookkeeping fields that are never published.
 *
 * @param lastReportAt  the agent's {@code at} of the last report applied, to drop reports that were overtaken
 * @param unlistedSince when this service first saw a heartbeat of the session's host that did not list it;
 *                      {@code null} while the host lists it
 * @param pendingSince  while PENDING, when its pending timeout starts: when this service could first know of it
 *                      (see {@link #READ_LAG_ALLOWANCE}); the registry also counts nothing before it started deciding
 */
public record Session(String sessionId, String userId, String poolId, String hostId, SessionState state,
                      Instant createdAt, Instant updatedAt, EndReason endReason, Instant lastReportAt,
                      Instant unlistedSince, Instant pendingSince) {

    /**
     * How much of the time between an allocation ({@code createdAt}) and this service reading it (the PENDING
     * record's {@code updatedAt}) counts toward the pending timeout. A live reader reads an allocation within
     * milliseconds, so the pool's timeout stays exact; a service that was down or far behind could not have taken
     * the user's logon in that time, so the count starts just before it read the allocation.
     */
    static final Duration READ_LAG_ALLOWANCE = Duration.ofSeconds(5);

    public Session {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(state, "state");
    }

    /** A session whose pending time (if PENDING) counts from its creation, read no earlier than it was decided. */
    public Session(String sessionId, String userId, String poolId, String hostId, SessionState state,
                   Instant createdAt, Instant updatedAt, EndReason endReason, Instant lastReportAt,
                   Instant unlistedSince) {
        this(sessionId, userId, poolId, hostId, state, createdAt, updatedAt, endReason, lastReportAt, unlistedSince,
                state == SessionState.PENDING ? knowableSince(createdAt, updatedAt) : null);
    }

    private static Instant knowableSince(Instant createdAt, Instant updatedAt) {
        if (createdAt == null || updatedAt == null) {
            return createdAt != null ? createdAt : updatedAt;
        }
        Instant readLess = updatedAt.minus(READ_LAG_ALLOWANCE);
        return readLess.isAfter(createdAt) ? readLess : createdAt;
    }

    /** A session as read back from {@code berth.sessions}; an unknown end reason (a newer writer's) reads as none. */
    public static Session fromEvent(SessionEvent event) {
        return new Session(event.sessionId(), event.userId(), event.poolId(), event.hostId(), event.state(),
                event.createdAt(), event.updatedAt(), parseEndReason(event.endReason()), null, null);
    }

    public SessionEvent toEvent() {
        return new SessionEvent(SessionEvent.CURRENT_VERSION, sessionId, userId, poolId, hostId, state, createdAt,
                updatedAt, state == SessionState.ENDED && endReason != null ? endReason.name() : null);
    }

    /** Whether both are the same record on {@code berth.sessions} ({@link #toEvent}), bookkeeping fields aside. */
    boolean sameRecordAs(Session other) {
        return sessionId.equals(other.sessionId) && state == other.state
                && Objects.equals(updatedAt, other.updatedAt) && Objects.equals(createdAt, other.createdAt)
                && Objects.equals(hostId, other.hostId) && Objects.equals(poolId, other.poolId)
                && Objects.equals(userId, other.userId) && publishedEndReason() == other.publishedEndReason();
    }

    /**
     * Whether {@code incoming}, read from {@code berth.sessions}, replaces this session: not when it is the same
     * record, would move an ENDED session back (ENDED is terminal), or is older (an earlier write coming back).
     */
    boolean isReplacedBy(Session incoming) {
        return !sameRecordAs(incoming) && !(state == SessionState.ENDED && incoming.state != SessionState.ENDED)
                && !(updatedAt != null && incoming.updatedAt != null && incoming.updatedAt.isBefore(updatedAt));
    }

    private EndReason publishedEndReason() {
        return state == SessionState.ENDED ? endReason : null;
    }

    public boolean isLive() {
        return state.isLive();
    }

    Session movedTo(SessionState next, Instant now, EndReason reason) {
        return new Session(sessionId, userId, poolId, hostId, next, createdAt, now,
                next == SessionState.ENDED ? reason : null, lastReportAt, null, null);
    }

    Session withLastReportAt(Instant at) {
        return new Session(sessionId, userId, poolId, hostId, state, createdAt, updatedAt, endReason, at,
                unlistedSince, pendingSince);
    }

    Session withUnlistedSince(Instant since) {
        return new Session(sessionId, userId, poolId, hostId, state, createdAt, updatedAt, endReason, lastReportAt,
                since, pendingSince);
    }

    Session withPoolId(String pool, Instant now) {
        return new Session(sessionId, userId, pool, hostId, state, createdAt, now, endReason, lastReportAt,
                unlistedSince, pendingSince);
    }

    /** An end reason as written on a topic; {@code null} for none or one this service does not know. */
    static EndReason parseEndReason(String value) {
        if (value == null) {
            return null;
        }
        try {
            return EndReason.valueOf(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
