package io.berth.broker.domain;

import org.junit.jupiter.api.Test;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** A slot is freed without berth.sessions only when its allocation is provably not on berth.allocations. */
class ReleaseRuleTest {

    private static final long DELIVERY = 7_000;
    private static final long MARGIN = 2_000;
    private static final long PENDING = 60_000;
    private final ReleaseRule rule = new ReleaseRule(DELIVERY, MARGIN);
    private final SlotHolder reserved = new SlotHolder("s1", "alice", NOW);
    private final long deadline = NOW + DELIVERY + PENDING + MARGIN;

    @Test
    void aReservationNeverAllocatedIsFreedOnceTheFeedReadTheTopicPastItsDeadline() {
        assertThat(rule.deadline(reserved, PENDING)).isEqualTo(deadline);
        assertThat(rule.mayRelease(reserved, PENDING, deadline, deadline)).isTrue();
        assertThat(rule.mayRelease(reserved, PENDING, deadline + 5_000, deadline + 10_000)).isTrue();
    }

    @Test
    void notBeforeItsDeadline() {
        assertThat(rule.mayRelease(reserved, PENDING, deadline - 1, deadline - 1)).isFalse();
    }

    @Test
    void neverWhileTheFeedHasNotReadTheTopicPastTheDeadline() {
        // Kafka down, or the feed behind: the allocation may be there unseen.
        assertThat(rule.mayRelease(reserved, PENDING, 0, deadline + 3_600_000)).isFalse();
        assertThat(rule.mayRelease(reserved, PENDING, deadline - 1, deadline + 3_600_000)).isFalse();
    }

    @Test
    void neverWhenTheAllocationIsOnTheTopicHoweverLateTheSessionService() {
        SlotHolder allocated = new SlotHolder("s1", "alice", NOW, true);

        assertThat(rule.mayRelease(allocated, PENDING, deadline + 3_600_000, deadline + 3_600_000)).isFalse();
    }

    @Test
    void neverAConfirmedSession() {
        SlotHolder confirmed = new SlotHolder("s1", "alice", 0L);

        assertThat(rule.mayRelease(confirmed, PENDING, Long.MAX_VALUE, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void anAllocatedReservationSurvivesAbandonAndIsFreedByTheSessionsEnd() {
        HostEntry host = Hosts.available("h1", "pool", 0).reserve("s1", "alice", 5, false, NOW);

        HostEntry allocated = host.markAllocated("s1");

        assertThat(allocated.slots()).containsExactly(new SlotHolder("s1", "alice", NOW, true));
        assertThat(allocated.abandonReservation("s1")).isSameAs(allocated);
        assertThat(allocated.markAllocated("s1")).isSameAs(allocated);
        assertThat(allocated.confirm("s1", "alice").slots()).containsExactly(new SlotHolder("s1", "alice", 0L));
        assertThat(allocated.endSession("s1").liveSessions()).isZero();
        assertThat(Hosts.available("h1", "pool", 0).markAllocated("gone").liveSessions()).isZero();
    }
}
