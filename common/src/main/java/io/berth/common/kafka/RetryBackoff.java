package io.berth.common.kafka;

import java.time.Duration;

/** How long a {@link PollLoop} waits before handling a failed batch again: doubling from {@code first}, at most {@code max}. */
public record RetryBackoff(Duration first, Duration max) {

    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration after(int failures) {
        long millis = first.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
