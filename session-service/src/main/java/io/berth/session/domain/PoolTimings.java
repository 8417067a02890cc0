package io.berth.session.domain;

import io.berth.common.events.HostPoolConfig;

import java.time.Duration;

/**
 * The per-pool timings the session lifecycle needs from a pool's configuration.
 *
 * <p>The reconciliation grace is two heartbeat intervals: a heartbeat that was sent just before a logon does not
 * list the new session, and the next one will; only a session missing from every heartbeat for two whole
 * intervals is taken to be gone.
 */
public record PoolTimings(int heartbeatSeconds, int pendingTimeoutSeconds) {

    public static final int GRACE_HEARTBEATS = 2;

    /** The timings of a pool whose configuration is not known (yet): the configuration's defaults. */
    public static final PoolTimings DEFAULTS = new PoolTimings(HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS,
            HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS);

    public PoolTimings {
        heartbeatSeconds = heartbeatSeconds > 0 ? heartbeatSeconds : HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS;
        pendingTimeoutSeconds = pendingTimeoutSeconds > 0
                ? pendingTimeoutSeconds : HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS;
    }

    public Duration pendingTimeout() {
        return Duration.ofSeconds(pendingTimeoutSeconds);
    }

    public Duration reconciliationGrace() {
        return Duration.ofSeconds((long) GRACE_HEARTBEATS * heartbeatSeconds);
    }
}
