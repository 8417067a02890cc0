package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.LoadThresholds;

import java.util.Optional;

/**
 * When a host takes a new session (DESIGN.md section 1 and 7.4): health AVAILABLE, a fresh heartbeat (within
 * three intervals), {@code allowNewSessions}, live sessions below the pool's limit, logons in progress below the
 * pool's logon cap, and a last reported load below the pool's thresholds.
 */
public final class Eligibility {

    private Eligibility() {
    }

    public static boolean isHeartbeatFresh(HostEntry host, PoolPolicy pool, long nowMillis) {
        return nowMillis - host.lastHeartbeatMillis() <= pool.heartbeatFreshnessMillis();
    }

    /** Eligible apart from heartbeat freshness, which changes with time alone and is checked at pick time. */
    static boolean isEligibleIgnoringTime(HostEntry host, PoolPolicy pool) {
        return exclusionIgnoringTime(host, pool) == null;
    }

    /**
     * Why the host is not eligible apart from heartbeat freshness: null when it is; {@link Refusal#LOAD} or
     * {@link Refusal#LOGON_CAP} when that alone keeps it out (a host over its load and at its cap is LOAD: it
     * stays out after its logons complete); {@link Refusal#FULL} for anything else (health, drain, limit).
     */
    static Refusal exclusionIgnoringTime(HostEntry host, PoolPolicy pool) {
        if (host.health() != Health.AVAILABLE || !host.allowNewSessions()
                || host.liveSessions() >= pool.maxSessionsPerHost()) {
            return Refusal.FULL;
        }
        if (host.isOverLoad(pool.loadThresholds())) {
            return Refusal.LOAD;
        }
        if (host.isAtLogonCap(pool.maxConcurrentLogonsPerHost())) {
            return Refusal.LOGON_CAP;
        }
        return null;
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
        if (host.isOverLoad(pool.loadThresholds())) {
            return Optional.of("host " + host.hostId() + " reported a load (cpu " + host.load().cpuPct()
                    + " %, memory " + host.load().memoryPct() + " %) at or above the pool's load thresholds ("
                    + describe(pool.loadThresholds()) + ")");
        }
        if (host.isAtLogonCap(pool.maxConcurrentLogonsPerHost())) {
            return Optional.of("host " + host.hostId() + " is at its concurrent-logon limit of "
                    + pool.maxConcurrentLogonsPerHost() + " (maxConcurrentLogonsPerHost)");
        }
        return Optional.empty();
    }

    /** The thresholds in words for a problem's {@code detail}, e.g. {@code cpu 80 %}. */
    static String describe(LoadThresholds thresholds) {
        if (thresholds == null) {
            return "none";
        }
        String cpu = thresholds.cpuPct() == null ? null : "cpu " + thresholds.cpuPct() + " %";
        String memory = thresholds.memoryPct() == null ? null : "memory " + thresholds.memoryPct() + " %";
        return cpu == null ? memory : memory == null ? cpu : cpu + ", " + memory;
    }

    /** Whether an existing session on the host can be returned to the user (even draining, even full). */
    public static boolean allowsReconnect(HostEntry host) {
        return host != null && host.health() != Health.UNAVAILABLE && host.health() != Health.NO_HEARTBEAT;
    }
}
