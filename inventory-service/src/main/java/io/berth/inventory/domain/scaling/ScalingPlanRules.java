package io.berth.inventory.domain.scaling;

import io.berth.common.events.PoolType;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules a scaling plan must follow to be accepted by {@code PUT /scalingplans/{planId}} (DESIGN.md 7.3).
 * Everything wrong with the plan itself is {@code INVALID} (400) and is checked before the one {@code CONFLICT}
 * (409): a pool that another plan already holds.
 */
public final class ScalingPlanRules {

    /** The longest forced-logoff wait: a day. */
    public static final int MAX_WAIT_TIME_MINUTES = 1440;
    /** As long as an agent {@code MESSAGE} may be (DESIGN.md 7.2). */
    public static final int MAX_NOTIFICATION_LENGTH = 1024;

    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private ScalingPlanRules() {
    }

    /**
     * The first rule {@code plan} breaks, if any. {@code poolTypeOf} answers a pool's type (empty: no such pool);
     * {@code planOfPool} answers the OTHER plan holding a pool, if any.
     */
    public static Optional<PlanViolation> check(ScalingPlanConfig plan, Function<String, Optional<PoolType>> poolTypeOf,
                                                Function<String, Optional<String>> planOfPool) {
        Optional<String> invalid = firstInvalid(plan, poolTypeOf);
        if (invalid.isPresent()) {
            return invalid.map(PlanViolation::invalid);
        }
        for (String poolId : plan.hostPools()) {
            Optional<String> other = planOfPool.apply(poolId);
            if (other.isPresent()) {
                return Optional.of(new PlanViolation(PlanViolation.Kind.CONFLICT,
                        "pool '" + poolId + "' is already in scaling plan '" + other.get()
                                + "'; a pool is in at most one plan"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstInvalid(ScalingPlanConfig plan, Function<String, Optional<PoolType>> poolTypeOf) {
        List<String> problems = new ArrayList<>();
        checkTimeZone(plan.timeZone(), problems);
        checkPools(plan.hostPools(), poolTypeOf, problems);
        if (plan.exclusionTag() != null && !TAG.matcher(plan.exclusionTag()).matches()) {
            problems.add("exclusionTag must be 1..64 characters of [A-Za-z0-9._:-]");
        }
        checkSchedules(plan.schedules(), problems);
        return problems.stream().findFirst();
    }

    private static void checkTimeZone(String timeZone, List<String> problems) {
        if (timeZone == null || !ZoneId.getAvailableZoneIds().contains(timeZone)) {
            problems.add("timeZone '" + timeZone + "' is not an IANA time zone (like 'Europe/Paris')");
        }
    }

    private static void checkPools(List<String> pools, Function<String, Optional<PoolType>> poolTypeOf,
                                   List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (String poolId : pools) {
            if (poolId == null) {
                problems.add("hostPools must not hold null");
                return;
            }
            if (!seen.add(poolId)) {
                problems.add("hostPools lists pool '" + poolId + "' twice");
                return;
            }
            Optional<PoolType> type = poolTypeOf.apply(poolId);
            if (type.isEmpty()) {
                problems.add("hostPools: pool '" + poolId + "' does not exist");
                return;
            }
            if (type.get() != PoolType.POOLED) {
                problems.add("hostPools: pool '" + poolId + "' is " + type.get()
                        + "; scaling plans take pooled pools only");
                return;
            }
        }
    }

    private static void checkSchedules(List<Schedule> schedules, List<String> problems) {
        if (schedules.isEmpty()) {
            problems.add("schedules must hold at least one schedule");
            return;
        }
        Map<DayOfWeek, String> scheduleOfDay = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (Schedule schedule : schedules) {
            if (schedule == null) {
                problems.add("schedules must not hold null");
                return;
            }
            String name = schedule.name();
            if (name == null || name.isBlank() || name.length() > 64) {
                problems.add("every schedule needs a name of 1..64 characters");
                return;
            }
            if (!names.add(name)) {
                problems.add("two schedules are named '" + name + "'");
                return;
            }
            checkDays(schedule, scheduleOfDay, problems);
            checkPhases(schedule, problems);
        }
    }

    private static void checkDays(Schedule schedule, Map<DayOfWeek, String> scheduleOfDay, List<String> problems) {
        if (schedule.daysOfWeek().isEmpty()) {
            problems.add("schedule '" + schedule.name() + "' needs at least one day in daysOfWeek");
        }
        Set<DayOfWeek> own = new HashSet<>();
        for (DayOfWeek day : schedule.daysOfWeek()) {
            if (day == null || !own.add(day)) {
                problems.add("schedule '" + schedule.name() + "' lists " + day + " twice or as null");
                return;
            }
            String other = scheduleOfDay.putIfAbsent(day, schedule.name());
            if (other != null) {
                problems.add(day + " is in two schedules ('" + other + "' and '" + schedule.name()
                        + "'); a day has at most one schedule");
                return;
            }
        }
    }

    private static void checkPhases(Schedule schedule, List<String> problems) {
        String where = "schedule '" + schedule.name() + "'";
        RampUp rampUp = schedule.rampUp();
        Phase peak = schedule.peak();
        RampDown rampDown = schedule.rampDown();
        Phase offPeak = schedule.offPeak();
        if (rampUp == null || peak == null || rampDown == null || offPeak == null) {
            problems.add(where + " needs all four phases: rampUp, peak, rampDown, offPeak");
            return;
        }
        String[] starts = {rampUp.start(), peak.start(), rampDown.start(), offPeak.start()};
        String[] phaseNames = {"rampUp", "peak", "rampDown", "offPeak"};
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == null || !HH_MM.matcher(starts[i]).matches()) {
                problems.add(where + ": " + phaseNames[i] + ".start '" + starts[i] + "' is not a time HH:MM (00:00..23:59)");
                return;
            }
            if (i > 0 && starts[i].compareTo(starts[i - 1]) <= 0) {
                problems.add(where + ": phase starts must be strictly increasing (rampUp < peak < rampDown < offPeak), but "
                        + phaseNames[i] + ".start " + starts[i] + " is not after " + phaseNames[i - 1] + ".start "
                        + starts[i - 1]);
                return;
            }
        }
        if (rampUp.loadBalancer() == null || peak.loadBalancer() == null || rampDown.loadBalancer() == null
                || offPeak.loadBalancer() == null) {
            problems.add(where + ": every phase needs a loadBalancer (BREADTH_FIRST or DEPTH_FIRST)");
            return;
        }
        checkPercent(where + ": rampUp.minimumHostsPct", rampUp.minimumHostsPct(), problems);
        checkPercent(where + ": rampUp.capacityThresholdPct", rampUp.capacityThresholdPct(), problems);
        checkPercent(where + ": rampDown.minimumHostsPct", rampDown.minimumHostsPct(), problems);
        checkPercent(where + ": rampDown.capacityThresholdPct", rampDown.capacityThresholdPct(), problems);
        if (rampDown.waitTimeMinutes() < 0 || rampDown.waitTimeMinutes() > MAX_WAIT_TIME_MINUTES) {
            problems.add(where + ": rampDown.waitTimeMinutes must be 0.." + MAX_WAIT_TIME_MINUTES);
        }
        String message = rampDown.notificationMessage();
        if (message != null && (message.isEmpty() || message.length() > MAX_NOTIFICATION_LENGTH)) {
            problems.add(where + ": rampDown.notificationMessage must be 1.." + MAX_NOTIFICATION_LENGTH + " characters");
        } else if (rampDown.forceLogoffUsers() && (message == null || message.isBlank())) {
            problems.add(where + ": rampDown.forceLogoffUsers needs a notificationMessage to warn users with");
        }
    }

    private static void checkPercent(String field, int value, List<String> problems) {
        if (value < 0 || value > 100) {
            problems.add(field + " must be 0..100, not " + value);
        }
    }
}
