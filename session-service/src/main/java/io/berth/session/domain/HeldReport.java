package io.berth.session.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An agent report that waited for its session's allocation, and since when. Identity matters, not equality: an agent
 * retrying sends the same report twice, and both are held.
 */
public final class HeldReport {

    private final AgentReport report;
    private final Instant heldAt;

    HeldReport(AgentReport report, Instant heldAt) {
        this.report = Objects.requireNonNull(report, "report");
        this.heldAt = Objects.requireNonNull(heldAt, "heldAt");
    }

    public AgentReport report() {
        return report;
    }

    public Instant heldAt() {
        return heldAt;
    }

    @Override
    public String toString() {
        return "HeldReport[" + report + " since " + heldAt + "]";
    }
}
