package io.berth.deploy.demo;

import io.berth.common.config.Env;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoScalingPlanTest {

    @Test
    void theZoneIsChosenSoThatNowIsAboutNoonAtEveryHourOfTheDay() {
        IntStream.range(0, 24).forEach(hour -> {
            Instant now = Instant.parse("2026-12-01T00:00:00Z").plusSeconds(hour * 3600L + 59 * 60 + 30);

            ZoneId zone = DemoScalingPlan.middayZone(now);

            assertThat(LocalTime.ofInstant(now, zone).getHour()).as("UTC hour %d in %s", hour, zone).isEqualTo(12);
        });
    }

    @Test
    void theDemoIsInRampDownSinceThisMinuteWithPhasesInOrder() {
        // given
        Instant now = Instant.parse("2026-12-01T23:58:41Z");

        // when
        DemoScalingPlan plan = DemoScalingPlan.rampingDownNow(now);

        // then ramp-down started at most a minute ago, after ramp-up and peak, and off-peak is hours away
        LocalTime local = LocalTime.ofInstant(now, plan.zone());
        assertThat(plan.rampUp()).isBefore(plan.peak());
        assertThat(plan.peak()).isBefore(plan.rampDown());
        assertThat(plan.rampDown()).isBeforeOrEqualTo(local).isAfter(local.minusMinutes(1));
        assertThat(plan.offPeak()).isAfter(local.plusMinutes(90));
        assertThat(plan.zone().getId()).isEqualTo("Etc/GMT+11");
    }

    @Test
    void itsJsonIsThePlanOfSection7_3() {
        // given
        DemoScalingPlan plan = new DemoScalingPlan(ZoneId.of("Etc/GMT-2"), LocalTime.of(9, 5), LocalTime.of(10, 0),
                LocalTime.of(12, 30), LocalTime.of(14, 0), 25, 50);

        // when
        JsonObject json = plan.toJson("demo");

        // then
        assertThat(json.getString("timeZone")).isEqualTo("Etc/GMT-2");
        assertThat(json.getJsonArray("hostPools").getList()).containsExactly("demo");
        JsonObject schedule = json.getJsonArray("schedules").getJsonObject(0);
        assertThat(schedule.getJsonArray("daysOfWeek")).hasSize(7);
        assertThat(schedule.getJsonObject("rampUp").getMap()).containsEntry("start", "09:05")
                .containsEntry("minimumHostsPct", 25).containsEntry("capacityThresholdPct", 50);
        assertThat(schedule.getJsonObject("peak").getString("start")).isEqualTo("10:00");
        assertThat(schedule.getJsonObject("rampDown").getMap()).containsEntry("start", "12:30")
                .containsEntry("minimumHostsPct", 25).containsEntry("capacityThresholdPct", 50)
                .containsEntry("forceLogoffUsers", false).containsEntry("stopHostsWhen", "ZERO_SESSIONS");
        assertThat(schedule.getJsonObject("offPeak").getString("start")).isEqualTo("14:00");
        assertThat(List.of("rampUp", "peak", "rampDown", "offPeak")).allSatisfy(phase ->
                assertThat(schedule.getJsonObject(phase).getString("loadBalancer")).isNotBlank());
    }

    @Test
    void theDemoScalerIntervalIsUsedOnlyWhenNoneIsSet() {
        assertThat(DemoScalingPlan.withDemoScalerInterval(Env.of(Map.of())).get(DemoScalingPlan.SCALER_INTERVAL))
                .hasValue("10");
        assertThat(DemoScalingPlan.withDemoScalerInterval(Env.of(Map.of(DemoScalingPlan.SCALER_INTERVAL, "45")))
                .get(DemoScalingPlan.SCALER_INTERVAL)).hasValue("45");
    }
}
