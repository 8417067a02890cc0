package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.Schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Which schedule and phase of a plan are in force at an instant (DESIGN.md 7.3): the day's schedule in the plan's
 * time zone, the phase whose start is the latest at or before the wall-clock time; before the day's ramp-up, or on
 * a day without a schedule, the last phase (off-peak) of the latest earlier day that has one, up to a week back.
 */
public final class ScalingSchedule {

    private static final int DAYS_BACK = 7;

    private ScalingSchedule() {
    }

    /** A schedule's phase with the settings it borrows: peak uses ramp-up's, off-peak ramp-down's. */
    public record PhaseInForce(Schedule schedule, ScalingPhase phase) {

        public LoadBalancer loadBalancer() {
            return switch (phase) {
                case RAMP_UP -> schedule.rampUp().loadBalancer();
                case PEAK -> schedule.peak().loadBalancer();
                case RAMP_DOWN -> schedule.rampDown().loadBalancer();
                case OFF_PEAK -> schedule.offPeak().loadBalancer();
            };
        }

        public int minimumHostsPct() {
            return rampingDown() ? schedule.rampDown().minimumHostsPct() : schedule.rampUp().minimumHostsPct();
        }

        public int capacityThresholdPct() {
            return rampingDown() ? schedule.rampDown().capacityThresholdPct()
                    : schedule.rampUp().capacityThresholdPct();
        }

        /** Whether hosts may be stopped: ramp-down and off-peak only. */
        public boolean stopsHosts() {
            return rampingDown();
        }

        /** Whether users may be logged off to free a host: ramp-down with {@code forceLogoffUsers} only. */
        public boolean forcesLogoff() {
            return phase == ScalingPhase.RAMP_DOWN && schedule.rampDown().forceLogoffUsers();
        }

        /** Ramp-down's stop rules, which also hold in off-peak. */
        public RampDown stopRules() {
            return schedule.rampDown();
        }

        private boolean rampingDown() {
            return phase == ScalingPhase.RAMP_DOWN || phase == ScalingPhase.OFF_PEAK;
        }
    }

    /** The phase in force at {@code now}; empty for a plan with no schedule on any day. */
    public static Optional<PhaseInForce> at(ScalingPlanConfig plan, Instant now) {
        ZonedDateTime local = now.atZone(ZoneId.of(plan.timeZone()));
        LocalDate today = local.toLocalDate();
        Optional<Schedule> todays = scheduleOn(plan, today);
        if (todays.isPresent()) {
            Optional<ScalingPhase> phase = phaseAt(todays.get(), local.toLocalTime());
            if (phase.isPresent()) {
                return Optional.of(new PhaseInForce(todays.get(), phase.get()));
            }
        }
        for (int back = 1; back <= DAYS_BACK; back++) {
            Optional<Schedule> earlier = scheduleOn(plan, today.minusDays(back));
            if (earlier.isPresent()) {
                return Optional.of(new PhaseInForce(earlier.get(), ScalingPhase.OFF_PEAK));
            }
        }
        return Optional.empty();
    }

    private static Optional<Schedule> scheduleOn(ScalingPlanConfig plan, LocalDate day) {
        return plan.schedules().stream().filter(s -> s.daysOfWeek().contains(day.getDayOfWeek())).findFirst();
    }

    private static Optional<ScalingPhase> phaseAt(Schedule schedule, LocalTime time) {
        ScalingPhase latest = null;
        if (!time.isBefore(LocalTime.parse(schedule.rampUp().start()))) {
            latest = ScalingPhase.RAMP_UP;
        }
        if (!time.isBefore(LocalTime.parse(schedule.peak().start()))) {
            latest = ScalingPhase.PEAK;
        }
        if (!time.isBefore(LocalTime.parse(schedule.rampDown().start()))) {
            latest = ScalingPhase.RAMP_DOWN;
        }
        if (!time.isBefore(LocalTime.parse(schedule.offPeak().start()))) {
            latest = ScalingPhase.OFF_PEAK;
        }
        return Optional.ofNullable(latest);
    }
}
