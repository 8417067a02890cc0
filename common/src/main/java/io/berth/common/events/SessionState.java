package io.berth.common.events;

/** A user session's lifecycle state. PENDING, ACTIVE and DISCONNECTED hold a slot on the host. */
public enum SessionState {
    PENDING, ACTIVE, DISCONNECTED, ENDED;

    /** Whether a session in this state occupies one of the host's {@code maxSessionsPerHost} slots. */
    public boolean isLive() {
        return this != ENDED;
    }
}
