package io.berth.broker;

import io.berth.common.config.Env;

import java.time.Duration;

/**
 * How the broker behaves when what it depends on fails: how long it keeps placing on the hosts it last knew to
 * be AVAILABLE and fresh once the heartbeat source (the inventory) is silent.
 */
public record AvailabilitySettings(Duration degradedPlacement) {

    public static final String DEGRADED_PLACEMENT_SECONDS = "BERTH_DEGRADED_PLACEMENT_SECONDS";

    public static AvailabilitySettings defaults() {
        return load(Env.of(java.util.Map.of()));
    }

    public static AvailabilitySettings load(Env env) {
        return new AvailabilitySettings(Duration.ofSeconds(env.integer(DEGRADED_PLACEMENT_SECONDS, 300, 0, 86_400)));
    }
}
