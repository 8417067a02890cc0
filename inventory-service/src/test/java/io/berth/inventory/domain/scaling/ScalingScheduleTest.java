package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.inventory.domain.scaling.ScalingSchedule.PhaseInForce;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;

import static io.berth.inventory.domain.scaling.ScalingFixtures.rampDown;
import static io.berth.inventory.domain.scaling.ScalingFixtures.rampUp;
import static org.assertj.core.api.Assertions.assertThat;

/** The phase in force: the day's schedule in the plan's time zone, previous days, time zones and DST. */
class ScalingScheduleTest {

    private static final List<DayOfWeek> WEEKDAYS = List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);

    private static ScalingPlanConfig plan(String zone, Schedule... schedules) {
        return new ScalingPlanConfig(0, "plan-1", zone, List.of("pool-1"), null, List.of(schedules));
    }

    private static Schedule weekdays() {
        return ScalingFixtures.schedule("weekdays", WEEKDAYS, rampUp(20, 60), rampDown(10, 90));
    }

    private static PhaseInForce at(ScalingPlanConfig plan, String instant) {
        return ScalingSchedule.at(plan, Instant.parse(instant)).orElseThrow();
    }

    @Test
    void eachPhaseBeginsAtItsStartTimeAndLastsUntilTheNext() {
        ScalingPlanConfig plan = plan("UTC", weekdays());

        // 2026-12-01 is a Tuesday
        assertThat(at(plan, "2026-12-01T07:00:00Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(at(plan, "2026-12-01T08:59:59Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(at(plan, "2026-12-01T09:00:00Z").phase()).isEqualTo(ScalingPhase.PEAK);
        assertThat(at(plan, "2026-12-01T18:00:00Z").phase()).isEqualTo(ScalingPhase.RAMP_DOWN);
        assertThat(at(plan, "2026-12-01T20:00:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(plan, "2026-12-01T23:59:59Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
    }

    @Test
    void beforeTheDaysRampUpThePreviousDaysLastPhaseHolds() {
        ScalingPlanConfig plan = plan("UTC", weekdays());

        PhaseInForce early = at(plan, "2026-12-01T06:59:00Z");

        assertThat(early.phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(early.loadBalancer()).isEqualTo(LoadBalancer.BREADTH_FIRST);
    }

    @Test
    void aDayWithoutScheduleKeepsThePreviousScheduleInItsLastPhase() {
        ScalingPlanConfig plan = plan("UTC", weekdays());

        // Saturday noon and Monday 06:00 (before ramp-up) are still Friday's off-peak
        assertThat(at(plan, "2026-12-05T12:00:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(plan, "2026-12-05T12:00:00Z").schedule().name()).isEqualTo("weekdays");
        assertThat(at(plan, "2026-12-07T06:00:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
    }

    @Test
    void theWalkBackUsesTheLatestEarlierDayThatHasASchedule() {
        Schedule mondays = new Schedule("mondays", List.of(DayOfWeek.MONDAY), rampUp(50, 50),
                new Phase("10:00", LoadBalancer.DEPTH_FIRST), rampDown(5, 95),
                new Phase("22:00", LoadBalancer.DEPTH_FIRST));
        Schedule wednesdays = ScalingFixtures.schedule("wednesdays", List.of(DayOfWeek.WEDNESDAY), rampUp(20, 60),
                rampDown(10, 90));
        ScalingPlanConfig plan = plan("UTC", mondays, wednesdays);

        PhaseInForce tuesday = at(plan, "2026-12-01T12:00:00Z");
        PhaseInForce sunday = at(plan, "2026-12-06T12:00:00Z");
        PhaseInForce mondayEarly = at(plan, "2026-12-07T01:00:00Z");

        assertThat(tuesday.schedule().name()).isEqualTo("mondays");
        assertThat(tuesday.loadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(sunday.schedule().name()).isEqualTo("wednesdays");
        assertThat(mondayEarly.schedule().name()).isEqualTo("wednesdays");
        assertThat(mondayEarly.phase()).isEqualTo(ScalingPhase.OFF_PEAK);
    }

    @Test
    void aPlanWithOneDayFindsItsOwnDayAWeekBackBeforeItsRampUp() {
        Schedule mondays = ScalingFixtures.schedule("mondays", List.of(DayOfWeek.MONDAY), rampUp(20, 60),
                rampDown(10, 90));

        PhaseInForce mondayEarly = at(plan("UTC", mondays), "2026-11-30T05:00:00Z");

        assertThat(mondayEarly.phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(ScalingSchedule.at(plan("UTC"), Instant.parse("2026-11-30T05:00:00Z"))).isEmpty();
    }

    @Test
    void startTimesAreWallClockTimesInThePlansTimeZone() {
        ScalingPlanConfig paris = plan("Europe/Paris", weekdays());

        // 07:00 in Paris is 06:00 UTC in winter
        assertThat(at(paris, "2026-12-01T05:59:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(paris, "2026-12-01T06:00:00Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
        // 23:30 UTC on Friday is already Saturday in Tokyo, which keeps Friday's off-peak
        assertThat(at(plan("Asia/Tokyo", weekdays()), "2026-12-04T23:30:00Z").phase())
                .isEqualTo(ScalingPhase.OFF_PEAK);
        // 01:00 UTC Tuesday is Monday 20:00 in New York: off-peak of Monday
        assertThat(at(plan("America/New_York", weekdays()), "2026-12-01T01:00:00Z").phase())
                .isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(plan("America/New_York", weekdays()), "2026-12-01T00:59:00Z").phase())
                .isEqualTo(ScalingPhase.RAMP_DOWN);
    }

    @Test
    void aDaylightSavingChangeMovesPhasesWithTheWallClock() {
        ScalingPlanConfig paris = plan("Europe/Paris", ScalingFixtures.schedule("every-day",
                List.of(DayOfWeek.values()), rampUp(20, 60), rampDown(10, 90)));

        // Sunday 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 07:00 is 05:00 UTC from that day on
        assertThat(at(paris, "2026-03-28T05:59:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(paris, "2026-03-28T06:00:00Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(at(paris, "2026-03-29T04:59:00Z").phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(at(paris, "2026-03-29T05:00:00Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
    }

    @Test
    void aPhaseStartingInTheSkippedHourBeginsWhenTheClockJumpsPastIt() {
        Schedule night = new Schedule("night", List.of(DayOfWeek.values()), new ScalingPlanConfig.RampUp("01:00",
                LoadBalancer.BREADTH_FIRST, 20, 60), new Phase("02:30", LoadBalancer.DEPTH_FIRST), rampDown(10, 90),
                new Phase("20:00", LoadBalancer.DEPTH_FIRST));
        ScalingPlanConfig paris = plan("Europe/Paris", night);

        // 00:59 UTC is 01:59 CET; 01:00 UTC is 03:00 CEST, past the 02:30 that never happens
        assertThat(at(paris, "2026-03-29T00:59:00Z").phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(at(paris, "2026-03-29T01:00:00Z").phase()).isEqualTo(ScalingPhase.PEAK);
    }

    @Test
    void peakAndOffPeakBorrowTheirMinimumAndThresholdFromRampUpAndRampDown() {
        ScalingPlanConfig plan = plan("UTC", weekdays());

        PhaseInForce peak = at(plan, "2026-12-01T12:00:00Z");
        PhaseInForce offPeak = at(plan, "2026-12-01T22:00:00Z");

        assertThat(peak.minimumHostsPct()).isEqualTo(20);
        assertThat(peak.capacityThresholdPct()).isEqualTo(60);
        assertThat(peak.stopsHosts()).isFalse();
        assertThat(offPeak.minimumHostsPct()).isEqualTo(10);
        assertThat(offPeak.capacityThresholdPct()).isEqualTo(90);
        assertThat(offPeak.stopsHosts()).isTrue();
        assertThat(offPeak.forcesLogoff()).isFalse();
    }
}
