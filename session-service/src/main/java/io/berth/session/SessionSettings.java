package io.berth.session;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;

import java.time.Duration;

/**
 * The session service's own settings, beyond the shared {@code ServiceConfig}.
 *
 * @param endedRetention how long an ENDED session stays listed before its tombstone ({@value #ENDED_RETENTION},
 *                       ISO-8601 duration, default {@code PT24H}; DESIGN.md requires at least 24 hours in
 *                       production, tests shorten it)
 * @param sweepInterval  how often pending timeouts, reconciliation endings and tombstones are decided
 *                       ({@value #SWEEP_MILLIS}, default 1000 ms)
 */
public record SessionSettings(Duration endedRetention, Duration sweepInterval) {

    public static final String ENDED_RETENTION = "BERTH_SESSION_ENDED_RETENTION";
    public static final String SWEEP_MILLIS = "BERTH_SESSION_SWEEP_MILLIS";

    public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofHours(24), Duration.ofSeconds(1));

    public SessionSettings {
        if (endedRetention.isNegative() || endedRetention.isZero()) {
            throw new ConfigException(ENDED_RETENTION + " must be a positive duration, was " + endedRetention);
        }
        if (sweepInterval.toMillis() < 10) {
            throw new ConfigException(SWEEP_MILLIS + " must be at least 10, was " + sweepInterval.toMillis());
        }
    }

    public static SessionSettings load(Env env) {
        Duration retention = env.parsed(ENDED_RETENTION, DEFAULTS.endedRetention(), Duration::parse,
                "an ISO-8601 duration such as PT24H");
        int sweepMillis = env.integer(SWEEP_MILLIS, (int) DEFAULTS.sweepInterval().toMillis(), 10, 60_000);
        return new SessionSettings(retention, Duration.ofMillis(sweepMillis));
    }
}
