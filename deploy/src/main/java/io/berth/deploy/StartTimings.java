package io.berth.deploy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/** How long each step of the launcher's start took, for its banner. */
public record StartTimings(Duration kafka, Duration services, Duration ready, Duration demoFleet, Instant readyAt) {

    /** From the JVM's start (the user's command) to all three services ready. */
    public Duration readySinceProcessStart() {
        return Duration.between(Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()), readyAt);
    }
}
