package io.berth.inventory.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;

/** Pools and plans the scaling tests share. */
public final class ScalingFixtures {

    /** A Monday, 19:00 UTC: ramp-down in {@link #plan}. */
    public static final Instant RAMP_DOWN = Instant.parse("2026-01-05T19:00:00Z");

    private ScalingFixtures() {
    }

    public static HostPoolConfig pooled(String poolId, int maxSessionsPerHost) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, maxSessionsPerHost,
                PersonalAssignment.AUTOMATIC, false, 30, 60);
    }

    /** Every day: ramp-up 07:00, peak 09:00, ramp-down 18:00 (10 % minimum), off-peak 22:00 (UTC). */
    public static ScalingPlanConfig plan(String planId, StopHostsWhen stopWhen, String... pools) {
        return new ScalingPlanConfig(1, planId, "UTC", List.of(pools), "no-autoscale", List.of(new Schedule("daily",
                List.of(DayOfWeek.values()), new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 20, 60),
                new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                new RampDown("18:00", LoadBalancer.DEPTH_FIRST, 10, 90, false, 0, null, stopWhen),
                new Phase("22:00", LoadBalancer.DEPTH_FIRST))));
    }
}
