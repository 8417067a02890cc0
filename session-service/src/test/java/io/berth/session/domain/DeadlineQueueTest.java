package io.berth.session.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineQueueTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

    @Test
    void givesEntriesWhoseDelayIsOverEarliestFirst() {
        // given
        DeadlineQueue queue = new DeadlineQueue();
        queue.add("late", T0.plusSeconds(5));
        queue.add("early", T0);
        queue.add("middle", T0.plusSeconds(2));

        // when / then: a 10 s delay is over at T0 + 12 s for the two first
        Duration delay = Duration.ofSeconds(10);
        assertThat(queue.pollDue(T0.plusSeconds(12), delay).sessionId()).isEqualTo("early");
        assertThat(queue.pollDue(T0.plusSeconds(12), delay).sessionId()).isEqualTo("middle");
        assertThat(queue.pollDue(T0.plusSeconds(12), delay)).isNull();
        assertThat(queue.size()).isOne();
    }

    @Test
    void anEntryIsDueExactlyWhenItsDelayHasPassed() {
        // given
        DeadlineQueue queue = new DeadlineQueue();
        queue.add("s1", T0);

        // then
        assertThat(queue.pollDue(T0.plusSeconds(10).minusNanos(1), Duration.ofSeconds(10))).isNull();
        assertThat(queue.pollDue(T0.plusSeconds(10), Duration.ofSeconds(10)))
                .isEqualTo(new DeadlineQueue.Waiting("s1", T0));
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void theDelayIsTheOneGivenWhenPolling() {
        // given an entry polled with a 60 s delay, then with a 5 s one (the pool's timings changed)
        DeadlineQueue queue = new DeadlineQueue();
        queue.add("s1", T0);

        // then
        assertThat(queue.pollDue(T0.plusSeconds(6), Duration.ofSeconds(60))).isNull();
        assertThat(queue.pollDue(T0.plusSeconds(6), Duration.ofSeconds(5))).isNotNull();
    }
}
