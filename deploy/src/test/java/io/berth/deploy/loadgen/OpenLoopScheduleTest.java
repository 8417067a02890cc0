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
}
