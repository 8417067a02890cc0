package io.berth.session.domain;

import java.time.Duration;

/**
 * The per-pool timings the session lifecycle needs from a pool's configuration.
 *
 * <p>The reconciliation grace is two heartbeat intervals: a heartbeat that was sent just before a logon does not
 * list the new session, and the next one will; only a session missing from every heartbeat for two whole
 * intervals is taken to be gone.
 */
public record PoolTimings(int heartbeatSeconds, int pendingTimeoutSeconds) {

    public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
    public static final int DEFAULT_PENDING_TIMEOUT_SECONDS = 60;
    public static final int GRACE_HEARTBEATS = 2;

    public static final PoolTimings DEFAULTS =
            new PoolTimings(DEFAULT_HEARTBEAT_SECONDS, DEFAULT_PENDING_TIMEOUT_SECONDS);

    public PoolTimings {
        heartbeatSeconds = heartbeatSeconds > 0 ? heartbeatSeconds : DEFAULT_HEARTBEAT_SECONDS;
        pendingTimeoutSeconds = pendingTimeoutSeconds > 0 ? pendingTimeoutSeconds : DEFAULT_PENDING_TIMEOUT_SECONDS;
    }

    public Duration pendingTimeout() {
        return Duration.ofSeconds(pendingTimeoutSeconds);
    }

    public Duration reconciliationGrace() {
        return Duration.ofSeconds((long) GRACE_HEARTBEATS * heartbeatSeconds);
    }
}
