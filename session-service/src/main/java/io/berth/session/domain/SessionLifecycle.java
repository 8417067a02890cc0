package io.berth.session.domain;

import io.berth.common.events.SessionState;

import java.util.Optional;

/**
 * The lifecycle of one session: which state an agent report moves it to.
 *
 * <pre>
 *   PENDING --LOGON/RECONNECT--> ACTIVE <--DISCONNECT/RECONNECT/LOGON--> DISCONNECTED
 *      |  \--DISCONNECT--> DISCONNECTED          any live state --LOGOFF--> ENDED
 *      +--pending timeout--> ENDED               ENDED is terminal
 * </pre>
 *
 * A report that does not move the state (a duplicate, or anything after ENDED) is a no-op, because agents and
 * Kafka both deliver at least once. Reports may also overtake each other, so PENDING accepts DISCONNECT (the
 * logon report was lost or is late) and every live state accepts LOGOFF.
 */
public final class SessionLifecycle {

    private SessionLifecycle() {
    }

    /** The state a report moves a session in {@code current} to; empty when it does not move it. */
    public static Optional<SessionState> next(SessionState current, AgentEventType report) {
        SessionState target = switch (current) {
            case ENDED -> null;
            case PENDING -> switch (report) {
                case LOGON, RECONNECT -> SessionState.ACTIVE;
                case DISCONNECT -> SessionState.DISCONNECTED;
                case LOGOFF -> SessionState.ENDED;
            };
            case ACTIVE -> switch (report) {
                case LOGON, RECONNECT -> null;
                case DISCONNECT -> SessionState.DISCONNECTED;
                case LOGOFF -> SessionState.ENDED;
            };
            case DISCONNECTED -> switch (report) {
                case LOGON, RECONNECT -> SessionState.ACTIVE;
                case DISCONNECT -> null;
                case LOGOFF -> SessionState.ENDED;
            };
        };
        return Optional.ofNullable(target);
    }
}
