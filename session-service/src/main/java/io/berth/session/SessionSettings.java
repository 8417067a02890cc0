package io.berth.session;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.session.domain.UnknownReportHold;

import java.time.Duration;

/**
 * The session service's own settings, beyond the shared {@code ServiceConfig}.
 *
 * @param endedRetention    how long an ENDED session stays listed before its tombstone ({@value #ENDED_RETENTION},
 *                          ISO-8601 duration, default {@code PT24H}; DESIGN.md requires at least 24 hours in
 *                          production, tests shorten it)
 * @param sweepInterval     how often pending timeouts, reconciliation endings and tombstones are decided
 *                          ({@value #SWEEP_MILLIS}, default 1000 ms)
 * @param unknownReportHold how long ({@value #UNKNOWN_REPORT_HOLD_SECONDS}, default 30 s) and how many
 *                          ({@value #UNKNOWN_REPORT_MAX_PER_HOST}, default 100; {@value #UNKNOWN_REPORT_MAX_TOTAL},
 *                          default 10,000) agent reports for sessions not allocated yet are held
 */
public record SessionSettings(Duration endedRetention, Duration sweepInterval, UnknownReportHold unknownReportHold) {

    public static final String ENDED_RETENTION = "BERTH_SESSION_ENDED_RETENTION";
    public static final String SWEEP_MILLIS = "BERTH_SESSION_SWEEP_MILLIS";
    public static final String UNKNOWN_REPORT_HOLD_SECONDS = "BERTH_SESSION_UNKNOWN_REPORT_HOLD_SECONDS";
    public static final String UNKNOWN_REPORT_MAX_PER_HOST = "BERTH_SESSION_UNKNOWN_REPORT_MAX_PER_HOST";
    public static final String UNKNOWN_REPORT_MAX_TOTAL = "BERTH_SESSION_UNKNOWN_REPORT_MAX_TOTAL";

    public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofHours(24), Duration.ofSeconds(1));

    public SessionSettings {
        if (endedRetention.isNegative() || endedRetention.isZero()) {
            throw new ConfigException(ENDED_RETENTION + " must be a positive duration, was " + endedRetention);
        }
        if (sweepInterval.toMillis() < 10) {
            throw new ConfigException(SWEEP_MILLIS + " must be at least 10, was " + sweepInterval.toMillis());
        }
    }

    /** With the default hold of reports for sessions not allocated yet. */
    public SessionSettings(Duration endedRetention, Duration sweepInterval) {
        this(endedRetention, sweepInterval, UnknownReportHold.DEFAULTS);
    }

    public static SessionSettings load(Env env) {
        Duration retention = env.parsed(ENDED_RETENTION, DEFAULTS.endedRetention(), Duration::parse,
                "an ISO-8601 duration such as PT24H");
        int sweepMillis = env.integer(SWEEP_MILLIS, (int) DEFAULTS.sweepInterval().toMillis(), 10, 60_000);
        UnknownReportHold defaults = UnknownReportHold.DEFAULTS;
        UnknownReportHold hold = new UnknownReportHold(
                Duration.ofSeconds(env.integer(UNKNOWN_REPORT_HOLD_SECONDS, (int) defaults.hold().toSeconds(), 1,
                        3600)),
                env.integer(UNKNOWN_REPORT_MAX_PER_HOST, defaults.maxPerHost(), 1, 100_000),
                env.integer(UNKNOWN_REPORT_MAX_TOTAL, defaults.maxTotal(), 1, 10_000_000));
        return new SessionSettings(retention, Duration.ofMillis(sweepMillis), hold);
    }
}
