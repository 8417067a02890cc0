package io.berth.session.domain;

import java.time.Duration;

/**
 * How long, and how many, agent reports for sessions this service does not know yet are held for their allocation
 * (DESIGN.md 7.8). The agent can be faster than Kafka, so such a report is not refused; but it must never create a
 * session, and a flood of them must not exhaust memory, hence both a time and a count bound.
 *
 * @param hold       how long a report waits for its session's allocation before it is dropped
 * @param maxPerHost how many reports one host may have waiting at once
 * @param maxTotal   how many reports may wait at once, all hosts together
 */
public record UnknownReportHold(Duration hold, int maxPerHost, int maxTotal) {

    public static final UnknownReportHold DEFAULTS = new UnknownReportHold(Duration.ofSeconds(30), 100, 10_000);

    public UnknownReportHold {
        if (hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("hold must be positive, was " + hold);
        }
        if (maxPerHost < 1 || maxTotal < 1) {
            throw new IllegalArgumentException("the limits must be at least 1, were " + maxPerHost + " per host and "
                    + maxTotal + " in total");
        }
    }
}
