package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.DayOfWeek;
import java.util.List;

/**
 * A scaling plan as the admin API takes and answers it and as {@code berth.config} carries it under key
 * {@code scalingplan/{planId}} (DESIGN.md 7.3, 7.7). Start times are {@code HH:MM} in {@code timeZone}; the
 * rules a plan must follow are checked by inventory-service, not here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScalingPlanConfig(int v, String planId, String timeZone, List<String> hostPools, String exclusionTag,
                                List<Schedule> schedules) implements Event {

    public ScalingPlanConfig {
        v = v == 0 ? CURRENT_VERSION : v;
        hostPools = hostPools == null ? List.of() : List.copyOf(hostPools);
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /** One schedule: the days it applies to and its four phases. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String name, List<DayOfWeek> daysOfWeek, RampUp rampUp, Phase peak, RampDown rampDown,
                           Phase offPeak) {

        public Schedule {
            daysOfWeek = daysOfWeek == null ? List.of() : List.copyOf(daysOfWeek);
        }
    }

    /** Ramp-up: its minimum and capacity threshold also hold in peak. */
    public record RampUp(String start, LoadBalancer loadBalancer, int minimumHostsPct, int capacityThresholdPct) {
    }

    /** Peak or off-peak: a start and a load balancer. */
    public record Phase(String start, LoadBalancer loadBalancer) {
    }

    /** Ramp-down: its minimum, threshold and stop rules also hold in off-peak. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RampDown(String start, LoadBalancer loadBalancer, int minimumHostsPct, int capacityThresholdPct,
                           boolean forceLogoffUsers, int waitTimeMinutes, String notificationMessage,
                           StopHostsWhen stopHostsWhen) {

        public RampDown {
            stopHostsWhen = stopHostsWhen == null ? StopHostsWhen.ZERO_SESSIONS : stopHostsWhen;
        }
    }

    /** When ramp-down may stop a host: no live session at all, or no ACTIVE or PENDING one. */
    public enum StopHostsWhen { ZERO_SESSIONS, ZERO_ACTIVE_SESSIONS }
}
