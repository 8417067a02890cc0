package io.berth.broker.domain;

import io.berth.common.events.Health;

import java.util.Optional;

/**
 * When a host takes a new session (DESIGN.md section 1): health AVAILABLE, a fresh heartbeat (within three
 * intervals), {@code allowNewSessions}, and live sessions below the pool's limit.
 */
public final class Eligibility {

    private Eligibility() {
    }

    public static boolean isHeartbeatFresh(HostEntry host, PoolPolicy pool, long nowMillis) {
        return nowMillis - host.lastHeartbeatMillis() <= pool.heartbeatFreshnessMillis();
    }

    /** Eligible apart from heartbeat freshness, which changes with time alone and is checked at pick time. */
    static boolean isEligibleIgnoringTime(HostEntry host, PoolPolicy pool) {
        return host.health() == Health.AVAILABLE && host.allowNewSessions()
                && host.liveSessions() < pool.maxSessionsPerHost();
    }

    public static boolean takesNewSession(HostEntry host, PoolPolicy pool, long nowMillis) {
        return isEligibleIgnoringTime(host, pool) && isHeartbeatFresh(host, pool, nowMillis);
    }

    /** Why the host takes no new session, in words for a problem's {@code detail}; empty when it does. */
    public static Optional<String> whyNot(HostEntry host, PoolPolicy pool, long nowMillis) {
        if (host.health() != Health.AVAILABLE) {
            return Optional.of("host " + host.hostId() + " is " + host.health());
        }
        if (!isHeartbeatFresh(host, pool, nowMillis)) {
            return Optional.of("host " + host.hostId() + " has not sent a heartbeat for over "
                    + (pool.heartbeatFreshnessMillis() / 1000) + " s");
        }
        if (!host.allowNewSessions()) {
            return Optional.of("host " + host.hostId() + " is in drain mode");
        }
        if (host.liveSessions() >= pool.maxSessionsPerHost()) {
            return Optional.of("host " + host.hostId() + " is at its limit of " + pool.maxSessionsPerHost()
                    + " sessions");
        }
        return Optional.empty();
    }

    /** Whether an existing session on the host can be returned to the user (even draining, even full). */
    public static boolean allowsReconnect(HostEntry host) {
        return host != null && host.health() != Health.UNAVAILABLE && host.health() != Health.NO_HEARTBEAT;
    }
}
