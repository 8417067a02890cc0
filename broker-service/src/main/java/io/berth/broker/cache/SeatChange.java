package io.berth.broker.cache;

import io.berth.broker.domain.HostPlacement;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.SessionState;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.function.BiFunction;

/**
 * A change to a user's seat in a pool, applied on the entry's owner: a connect's claim (compare-and-set on
 * the seat's revision), its completion or abandonment, or a session state from {@code berth.sessions}.
 * A seat left vacant is removed (the function returns null).
 */
public final class SeatChange implements BiFunction<String, UserSeat, UserSeat> {

    /** What happens to the seat. */
    public enum Kind { CLAIM, COMPLETE, ABANDON, SESSION_STATE }

    @ProtoField(1)
    final String kind;
    @ProtoField(2)
    final String poolId;
    @ProtoField(3)
    final String userId;
    @ProtoField(4)
    final String sessionId;
    @ProtoField(5)
    final String hostId;
    @ProtoField(6)
    final String state;
    @ProtoField(number = 7, defaultValue = "0")
    final long expectedRevision;
    @ProtoField(number = 8, defaultValue = "0")
    final long nowMillis;
    /** {@link #kind} and {@link #state} parsed once: the feed applies a change locally before sending it. */
    private final Kind parsedKind;
    private final SessionState parsedState;

    @ProtoFactory
    SeatChange(String kind, String poolId, String userId, String sessionId, String hostId, String state,
               long expectedRevision, long nowMillis) {
        this.kind = kind;
        this.poolId = poolId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.hostId = hostId;
        this.state = state;
        this.expectedRevision = expectedRevision;
        this.nowMillis = nowMillis;
        this.parsedKind = Kind.valueOf(kind);
        this.parsedState = state == null ? null : SessionState.valueOf(state);
    }

    public static SeatChange claim(String poolId, String userId, String sessionId, long expectedRevision,
                                   long nowMillis) {
        return new SeatChange(Kind.CLAIM.name(), poolId, userId, sessionId, null, null, expectedRevision, nowMillis);
    }

    public static SeatChange complete(String poolId, String userId, String sessionId, String hostId) {
        return new SeatChange(Kind.COMPLETE.name(), poolId, userId, sessionId, hostId, null, 0, 0);
    }

    public static SeatChange abandon(String poolId, String userId, String sessionId) {
        return new SeatChange(Kind.ABANDON.name(), poolId, userId, sessionId, null, null, 0, 0);
    }

    public static SeatChange sessionState(String poolId, String userId, String sessionId, String hostId,
                                          SessionState state) {
        return new SeatChange(Kind.SESSION_STATE.name(), poolId, userId, sessionId, hostId, state.name(), 0, 0);
    }

    @Override
    public UserSeat apply(String key, UserSeat current) {
        UserSeat seat = current != null ? current : UserSeat.empty(poolId, userId);
        UserSeat next = switch (parsedKind) {
            case CLAIM -> seat.claim(sessionId, expectedRevision, nowMillis, HostPlacement.SEAT_CLAIM_TTL_MILLIS);
            case COMPLETE -> seat.completeClaim(sessionId, hostId);
            case ABANDON -> seat.abandonClaim(sessionId);
            case SESSION_STATE -> seat.withSession(sessionId, hostId, parsedState);
        };
        if (next.isVacant()) {
            return null;
        }
        // A refused claim still has to tell the caller what the seat holds: an unchanged seat is written back.
        return next;
    }
}
