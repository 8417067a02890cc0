package io.berth.common.events;

/**
 * A command on {@code berth.host-commands}: {@code START}/{@code STOP} are for the power controller,
 * {@code LOGOFF}/{@code MESSAGE} also reach the host's agent in its heartbeat answers (DESIGN.md 7.2).
 */
public enum HostCommandType {
    START, STOP, LOGOFF, MESSAGE;

    /** Whether the host's agent receives this command in its heartbeat answers. */
    public boolean forAgent() {
        return this == LOGOFF || this == MESSAGE;
    }
}
