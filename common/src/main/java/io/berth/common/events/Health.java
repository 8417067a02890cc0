package io.berth.common.events;

/** A session host's published health. Only {@link #AVAILABLE} takes new sessions. */
public enum Health {
    AVAILABLE, NEEDS_ASSISTANCE, UPGRADING, SHUTDOWN, UNAVAILABLE, NO_HEARTBEAT;

    /** Whether an existing session on a host in this state can still be reconnected to. */
    public boolean allowsReconnect() {
        return this != UNAVAILABLE && this != NO_HEARTBEAT;
    }
}
