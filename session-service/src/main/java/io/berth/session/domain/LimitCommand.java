package io.berth.session.domain;

import io.berth.common.events.HostCommandEvent;

/**
 * A command a session limit decided (DESIGN.md 7.5), to publish on {@code berth.host-commands}; if Kafka refuses it,
 * {@link SessionRegistry#commandRefused} lets the next sweep decide it again.
 */
public record LimitCommand(Kind kind, HostCommandEvent command) {

    /** Which limit sent it: the {@code kind} label of {@code berth_session_limit_commands_total}. */
    public enum Kind {
        /** The LOGOFF of a session DISCONNECTED for the pool's {@code disconnectedTimeoutMinutes}. */
        DISCONNECTED_TIMEOUT,
        /** The MESSAGE {@code limitWarningMinutes} before the pool's {@code maxSessionMinutes}. */
        MAX_SESSION_WARNING,
        /** The LOGOFF of a session at the pool's {@code maxSessionMinutes}. */
        MAX_SESSION_TIME
    }
}
