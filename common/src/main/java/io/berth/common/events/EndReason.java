package io.berth.common.events;

/** Why a session ended: {@code endReason} on {@code berth.sessions} and in the session API (DESIGN.md 7.5). */
public enum EndReason {
    LOGOFF, PENDING_TIMEOUT, NOT_REPORTED_BY_HOST, HOST_REMOVED, DISCONNECTED_TIMEOUT, MAX_SESSION_TIME,
    SCALING_LOGOFF
}
