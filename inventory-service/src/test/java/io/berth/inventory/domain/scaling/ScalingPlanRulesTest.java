package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DayOfWeek;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every 400 and 409 rule of {@code PUT /scalingplans/{planId}} (DESIGN.md 7.3). */
class ScalingPlanRulesTest {

    private static final Map<String, PoolType> POOLS = Map.of("pool-1", PoolType.POOLED, "pool-2", PoolType.POOLED,
            "personal", PoolType.PERSONAL);
    private static final List<DayOfWeek> WEEKDAYS = List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);

    private static RampUp rampUp(String start) {
        return new RampUp(start, LoadBalancer.BREADTH_FIRST, 20, 60);
    }

    private static RampDown rampDown(String start, int minimumPct, int thresholdPct, boolean force, int wait,
                                     String message) {
        return new RampDown(start, LoadBalancer.DEPTH_FIRST, minimumPct, thresholdPct, force, wait, message,
                StopHostsWhen.ZERO_SESSIONS);
    }

    private static Schedule schedule(String name, List<DayOfWeek> days) {
        return new Schedule(name, days, rampUp("07:00"), new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                rampDown("18:00", 10, 90, true, 30, "Save your work"), new Phase("20:00", LoadBalancer.DEPTH_FIRST));
    }

    private static Schedule withPhases(RampUp rampUp, Phase peak, RampDown rampDown, Phase offPeak) {
        return new Schedule("weekdays", WEEKDAYS, rampUp, peak, rampDown, offPeak);
    }

    private static ScalingPlanConfig plan(String zone, List<String> pools, String tag, Schedule... schedules) {
        return new ScalingPlanConfig(0, "plan-1", zone, pools, tag, List.of(schedules));
    }

    private static ScalingPlanConfig planWith(Schedule... schedules) {
        return plan("Europe/Paris", List.of("pool-1"), "no-autoscale", schedules);
    }

    private static Optional<PlanViolation> check(ScalingPlanConfig plan) {
        return ScalingPlanRules.check(plan, id -> Optional.ofNullable(POOLS.get(id)), id -> Optional.empty());
    }

    private static void assertInvalid(ScalingPlanConfig plan, String detailPart) {
        assertThat(check(plan)).hasValueSatisfying(v -> {
            assertThat(v.kind()).isEqualTo(PlanViolation.Kind.INVALID);
            assertThat(v.detail()).contains(detailPart);
        });
    }

    @Test
    void theDesignsExamplePlanIsAccepted() {
        assertThat(check(planWith(schedule("weekdays", WEEKDAYS)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus", "", "europe/paris", "+02:00", "CET+1"})
    void anUnknownTimeZoneIsInvalid(String zone) {
        assertInvalid(plan(zone, List.of("pool-1"), null, schedule("weekdays", WEEKDAYS)), "timeZone");
    }

    @Test
    void aMissingTimeZoneIsInvalid() {
        assertInvalid(plan(null, List.of("pool-1"), null, schedule("weekdays", WEEKDAYS)), "timeZone");
    }

    @Test
    void anUnknownPoolIsInvalid() {
        assertInvalid(plan("UTC", List.of("nowhere"), null, schedule("weekdays", WEEKDAYS)), "does not exist");
    }

    @Test
    void aPersonalPoolIsInvalid() {
        assertInvalid(plan("UTC", List.of("pool-1", "personal"), null, schedule("weekdays", WEEKDAYS)),
                "pooled pools only");
    }

    @Test
    void aPoolListedTwiceIsInvalid() {
        assertInvalid(plan("UTC", List.of("pool-1", "pool-1"), null, schedule("weekdays", WEEKDAYS)), "twice");
    }

    @Test
    void aPoolInAnotherPlanIsAConflict() {
        Optional<PlanViolation> violation = ScalingPlanRules.check(
                plan("UTC", List.of("pool-1", "pool-2"), null, schedule("weekdays", WEEKDAYS)),
                id -> Optional.ofNullable(POOLS.get(id)),
                id -> id.equals("pool-2") ? Optional.of("other-plan") : Optional.empty());

        assertThat(violation).hasValueSatisfying(v -> {
            assertThat(v.kind()).isEqualTo(PlanViolation.Kind.CONFLICT);
            assertThat(v.detail()).contains("pool-2").contains("other-plan");
        });
    }

    @Test
    void aBrokenRuleIsReportedBeforeAConflict() {
        Optional<PlanViolation> violation = ScalingPlanRules.check(plan("Nowhere/City", List.of("pool-1"), null,
                schedule("weekdays", WEEKDAYS)), id -> Optional.ofNullable(POOLS.get(id)), id -> Optional.of("other"));

        assertThat(violation).map(PlanViolation::kind).hasValue(PlanViolation.Kind.INVALID);
    }

    @Test
    void noSchedulesIsInvalid() {
        assertInvalid(planWith(), "at least one schedule");
    }

    @Test
    void aScheduleWithoutDaysIsInvalid() {
        assertInvalid(planWith(schedule("never", List.of())), "at least one day");
    }

    @Test
    void aDayInTwoSchedulesIsInvalid() {
        assertInvalid(planWith(schedule("weekdays", WEEKDAYS),
                schedule("fridays", List.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY))), "FRIDAY is in two schedules");
    }

    @Test
    void twoSchedulesWithOneNameAreInvalid() {
        assertInvalid(planWith(schedule("same", List.of(DayOfWeek.MONDAY)), schedule("same",
                List.of(DayOfWeek.TUESDAY))), "named 'same'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7:00", "07:0", "24:00", "07:60", "0700", "07:00:00", "ab:cd", " 07:00"})
    void aStartThatIsNotHhMmIsInvalid(String start) {
        assertInvalid(planWith(withPhases(rampUp(start), new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                rampDown("18:00", 10, 90, false, 0, null), new Phase("20:00", LoadBalancer.DEPTH_FIRST))), "HH:MM");
    }

    @Test
    void phasesThatDoNotStrictlyIncreaseAreInvalid() {
        assertInvalid(planWith(withPhases(rampUp("09:00"), new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                rampDown("18:00", 10, 90, false, 0, null), new Phase("20:00", LoadBalancer.DEPTH_FIRST))),
                "strictly increasing");
        assertInvalid(planWith(withPhases(rampUp("07:00"), new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                rampDown("21:00", 10, 90, false, 0, null), new Phase("20:00", LoadBalancer.DEPTH_FIRST))),
                "strictly increasing");
    }

    @Test
    void aMissingPhaseIsInvalid() {
        assertInvalid(planWith(withPhases(rampUp("07:00"), null, rampDown("18:00", 10, 90, false, 0, null),
                new Phase("20:00", LoadBalancer.DEPTH_FIRST))), "all four phases");
    }

    @Test
    void aPhaseWithoutLoadBalancerIsInvalid() {
        assertInvalid(planWith(withPhases(rampUp("07:00"), new Phase("09:00", null),
                rampDown("18:00", 10, 90, false, 0, null), new Phase("20:00", LoadBalancer.DEPTH_FIRST))),
                "loadBalancer");
    }

    @Test
    void percentagesOutside0To100AreInvalid() {
        Phase peak = new Phase("09:00", LoadBalancer.DEPTH_FIRST);
        Phase offPeak = new Phase("20:00", LoadBalancer.DEPTH_FIRST);
        RampDown fine = rampDown("18:00", 10, 90, false, 0, null);

        assertInvalid(planWith(withPhases(new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 101, 60), peak, fine,
                offPeak)), "rampUp.minimumHostsPct");
        assertInvalid(planWith(withPhases(new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 20, -1), peak, fine,
                offPeak)), "rampUp.capacityThresholdPct");
        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", -5, 90, false, 0, null),
                offPeak)), "rampDown.minimumHostsPct");
        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", 10, 150, false, 0, null),
                offPeak)), "rampDown.capacityThresholdPct");
        assertThat(check(planWith(withPhases(new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 0, 100), peak,
                rampDown("18:00", 100, 0, false, 0, null), offPeak)))).isEmpty();
    }

    @Test
    void waitTimeMinutesOutside0ToADayIsInvalid() {
        Phase peak = new Phase("09:00", LoadBalancer.DEPTH_FIRST);
        Phase offPeak = new Phase("20:00", LoadBalancer.DEPTH_FIRST);

        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", 10, 90, true, -1, "bye"), offPeak)),
                "waitTimeMinutes");
        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", 10, 90, true, 1441, "bye"),
                offPeak)), "waitTimeMinutes");
    }

    @Test
    void aForcedLogoffNeedsANotificationMessageOfAtMost1024Characters() {
        Phase peak = new Phase("09:00", LoadBalancer.DEPTH_FIRST);
        Phase offPeak = new Phase("20:00", LoadBalancer.DEPTH_FIRST);

        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", 10, 90, true, 30, null), offPeak)),
                "notificationMessage");
        assertInvalid(planWith(withPhases(rampUp("07:00"), peak, rampDown("18:00", 10, 90, true, 30, "x".repeat(1025)),
                offPeak)), "notificationMessage");
    }

    @Test
    void anExclusionTagMustBeAValidTag() {
        assertInvalid(plan("UTC", List.of("pool-1"), "no autoscale", schedule("weekdays", WEEKDAYS)), "exclusionTag");
        assertInvalid(plan("UTC", List.of("pool-1"), "x".repeat(65), schedule("weekdays", WEEKDAYS)), "exclusionTag");
        assertThat(check(plan("UTC", List.of("pool-1"), "team:ops.v2_x-1", schedule("weekdays", WEEKDAYS)))).isEmpty();
    }

    @Test
    void aPlanWithoutPoolsIsAccepted() {
        assertThat(check(plan("UTC", List.of(), null, schedule("weekdays", WEEKDAYS)))).isEmpty();
    }
}
