package io.berth.session.domain;

/**
 * Why a session ended, published as {@code endReason} on {@code berth.sessions} (the enum's name is the wire
 * value).
 */
public enum EndReason {
    /** The host's agent reported the user's logoff. */
    LOGOFF,
    /** The user did not log on within the pool's {@code pendingTimeoutSeconds} after the allocation. */
    PENDING_TIMEOUT,
    /** The host's heartbeats stopped listing the session for longer than the reconciliation grace period. */
    NOT_REPORTED_BY_HOST,
    /** The host was removed from its pool (tombstone on {@code berth.config} key {@code host/{id}}). */
    HOST_REMOVED
}
