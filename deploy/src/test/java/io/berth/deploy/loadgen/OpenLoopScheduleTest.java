package io.berth.deploy.loadgen;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OpenLoopScheduleTest {

    @Test
    void requestsAreDueAtFixedIntervalsFromTheStart() {
        // given 1000 requests per second for 2 seconds, starting at t=1s
        long start = TimeUnit.SECONDS.toNanos(1);
        OpenLoopSchedule schedule = new OpenLoopSchedule(start, 1000, TimeUnit.SECONDS.toNanos(2));

        // then
        assertThat(schedule.total()).isEqualTo(2000);
        assertThat(schedule.dueAt(0)).isEqualTo(start);
        assertThat(schedule.dueAt(500)).isEqualTo(start + TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void whatIsDueDependsOnlyOnTheClockNotOnWhatCameBack() {
        // given
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 100, TimeUnit.SECONDS.toNanos(1));

        // when the sender looks at various moments
        // then everything due by then is due, capped at the total, nothing before the start
        assertThat(schedule.dueBy(-1)).isZero();
        assertThat(schedule.dueBy(0)).isEqualTo(1);
        assertThat(schedule.dueBy(TimeUnit.MILLISECONDS.toNanos(255))).isEqualTo(26);
        assertThat(schedule.dueBy(TimeUnit.SECONDS.toNanos(30))).isEqualTo(100);
    }

    @Test
    void aRampRaisesTheRateLinearlyAndHoldsTheAverageCount() {
        // given a warm-up from 100/s to 1000/s over 10 s
        long second = TimeUnit.SECONDS.toNanos(1);
        OpenLoopSchedule ramp = OpenLoopSchedule.ramp(0, 100, 1000, 10 * second);

        // then it holds (100 + 1000) / 2 * 10 requests, slow at first and at the full rate by the end
        assertThat(ramp.total()).isEqualTo(5500);
        assertThat(ramp.dueBy(second) - ramp.dueBy(0)).isBetween(140L, 150L);   // about 145 in the first second
        assertThat(ramp.dueBy(10 * second) - ramp.dueBy(9 * second)).isBetween(950L, 960L);
        // and dueAt is dueBy's inverse: each request is due once the count reaches it
        for (long index : new long[] {0, 1, 144, 2000, 5499}) {
            assertThat(ramp.dueBy(ramp.dueAt(index) + 1)).isGreaterThan(index);
            assertThat(ramp.dueBy(ramp.dueAt(index) - 1_000)).isLessThanOrEqualTo(index);
        }
    }
}
