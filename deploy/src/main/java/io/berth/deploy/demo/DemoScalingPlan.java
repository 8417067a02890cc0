package io.berth.deploy.demo;

import io.berth.common.config.Env;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;

/**
 * A scaling plan (DESIGN.md 7.3) whose phases are placed around the current time, so that autoscale can be
 * watched at once: the launcher's {@code --demo-scaling-plan} and the launcher's scaling tests use it. Its
 * time zone is a whole-hour offset ({@code Etc/GMT-N}) in which the current time is about noon, so phases a
 * few minutes or hours apart never wrap around midnight. One schedule for every day of the week; ramp-up and
 * ramp-down share the minimum and the capacity threshold. Plain Java.
 */
public record DemoScalingPlan(ZoneId zone, LocalTime rampUp, LocalTime peak, LocalTime rampDown, LocalTime offPeak,
                              int minimumHostsPct, int capacityThresholdPct) {

    public static final String PLAN_ID = "demo";
    /** The scaler's interval the launcher uses with the demo plan unless one is set, so the demo moves quickly. */
    public static final String SCALER_INTERVAL = "BERTH_SCALER_INTERVAL_SECONDS";
    public static final String DEMO_SCALER_INTERVAL_SECONDS = "10";
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    /**
     * The launcher's demo: in ramp-down since this minute (empty hosts are stopped one per evaluation down to
     * 10 % of the pool), off-peak in two hours; whenever the users on the hosts left fill more than 60 % of
     * them, a stopped host is started.
     */
    public static DemoScalingPlan rampingDownNow(Instant now) {
        ZoneId zone = middayZone(now);
        LocalTime local = LocalTime.ofInstant(now, zone).truncatedTo(ChronoUnit.MINUTES);
        return new DemoScalingPlan(zone, local.minusMinutes(2), local.minusMinutes(1), local, local.plusHours(2), 10, 60);
    }

    /** A zone of whole hours' offset in which {@code now} falls between 12:00 and 12:59. */
    public static ZoneId middayZone(Instant now) {
        int offsetHours = 12 - now.atZone(ZoneOffset.UTC).getHour();
        // Etc/GMT's signs are POSIX's: Etc/GMT-3 is three hours ahead of UTC.
        return ZoneId.of(offsetHours == 0 ? "Etc/GMT" : "Etc/GMT" + (offsetHours > 0 ? "-" : "+") + Math.abs(offsetHours));
    }

    /** {@code env} with the demo's short scaler interval, unless {@value #SCALER_INTERVAL} is set. */
    public static Env withDemoScalerInterval(Env env) {
        return env.get(SCALER_INTERVAL).isPresent() ? env : env.with(Map.of(SCALER_INTERVAL, DEMO_SCALER_INTERVAL_SECONDS));
    }

    /** The body of {@code PUT /api/v1/scalingplans/{planId}} for a plan on {@code poolId}. */
    public JsonObject toJson(String poolId) {
        JsonArray days = new JsonArray(Arrays.stream(DayOfWeek.values()).map(DayOfWeek::name).toList());
        JsonObject schedule = new JsonObject()
                .put("name", "demo-every-day")
                .put("daysOfWeek", days)
                .put("rampUp", new JsonObject().put("start", HH_MM.format(rampUp)).put("loadBalancer", "BREADTH_FIRST")
                        .put("minimumHostsPct", minimumHostsPct).put("capacityThresholdPct", capacityThresholdPct))
                .put("peak", new JsonObject().put("start", HH_MM.format(peak)).put("loadBalancer", "DEPTH_FIRST"))
                .put("rampDown", new JsonObject().put("start", HH_MM.format(rampDown)).put("loadBalancer", "DEPTH_FIRST")
                        .put("minimumHostsPct", minimumHostsPct).put("capacityThresholdPct", capacityThresholdPct)
                        .put("forceLogoffUsers", false).put("waitTimeMinutes", 15)
                        .put("notificationMessage", "This demo host is being stopped: please save your work")
                        .put("stopHostsWhen", "ZERO_SESSIONS"))
                .put("offPeak", new JsonObject().put("start", HH_MM.format(offPeak)).put("loadBalancer", "DEPTH_FIRST"));
        return new JsonObject()
                .put("timeZone", zone.getId())
                .put("hostPools", new JsonArray().add(poolId))
                .put("schedules", new JsonArray().add(schedule));
    }
}
