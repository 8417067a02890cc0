package io.berth.session.domain;

import io.berth.common.events.HostPoolConfig;

import java.time.Duration;

/**
 * A pool's session limits (DESIGN.md 7.5), each 0 for none: how long a session may stay DISCONNECTED, and how long
 * any live session may last from its {@code createdAt}, with a warning that many minutes before that limit.
 */
public record SessionLimits(int disconnectedTimeoutMinutes, int maxSessionMinutes, int limitWarningMinutes) {

    /**
     * The {@code reason} of the maximum-time warning's {@code MESSAGE} on {@code berth.host-commands}: how a
     * restarted instance recognises a warning that already went out.
     */
    public static final String WARNING_REASON = "maximum session time ahead";

    public static final SessionLimits NONE = new SessionLimits(0, 0, HostPoolConfig.DEFAULT_LIMIT_WARNING_MINUTES);

    public SessionLimits {
        disconnectedTimeoutMinutes = Math.max(0, disconnectedTimeoutMinutes);
        maxSessionMinutes = Math.max(0, maxSessionMinutes);
        limitWarningMinutes = limitWarningMinutes > 0
                ? limitWarningMinutes : HostPoolConfig.DEFAULT_LIMIT_WARNING_MINUTES;
    }

    public static SessionLimits of(HostPoolConfig pool) {
        return new SessionLimits(pool.disconnectedTimeoutMinutes(), pool.maxSessionMinutes(),
                pool.limitWarningMinutes());
    }

    boolean limitsDisconnection() {
        return disconnectedTimeoutMinutes > 0;
    }

    boolean limitsSessionTime() {
        return maxSessionMinutes > 0;
    }

    Duration disconnectedTimeout() {
        return Duration.ofMinutes(disconnectedTimeoutMinutes);
    }

    Duration maxSessionTime() {
        return Duration.ofMinutes(maxSessionMinutes);
    }

    /** How long after {@code createdAt} the warning is due: at once when the warning is longer than the limit. */
    Duration warningAfter() {
        return Duration.ofMinutes(Math.max(0, maxSessionMinutes - limitWarningMinutes));
    }
}
