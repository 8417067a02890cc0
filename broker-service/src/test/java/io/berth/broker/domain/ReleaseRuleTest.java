package io.berth.broker.domain;

import org.junit.jupiter.api.Test;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** A slot is freed without berth.sessions only when its allocation is provably not on berth.allocations. */
class ReleaseRuleTest {

    private static final long DELIVERY = 7_000;
    private static final long LATE_APPEND = 4_000;
    private static final long MARGIN = 2_000;
    private static final long PENDING = 60_000;
    private final ReleaseRule rule = new ReleaseRule(DELIVERY, LATE_APPEND, MARGIN);
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

    @Test
    void aSendThatFailedUnansweredHoldsItsSlotUntilTheFeedReadPastTheFailurePlusTheRequestTimeout() {
        long failedAt = NOW + 7_400;
        HostEntry host = Hosts.available("h1", "pool", 0).reserve("s1", "alice", 5, false, NOW);

        HostEntry inDoubt = host.markInDoubt("s1", failedAt);

        SlotHolder holder = inDoubt.slots().get(0);
        long inDoubtDeadline = failedAt + LATE_APPEND + MARGIN;
        assertThat(holder.isInDoubt()).isTrue();
        assertThat(inDoubt.liveSessions()).as("the slot stays held").isEqualTo(1);
        assertThat(rule.deadline(holder, PENDING)).isEqualTo(inDoubtDeadline).isLessThan(deadline);
        assertThat(rule.mayRelease(holder, PENDING, inDoubtDeadline - 1, inDoubtDeadline + 60_000))
                .as("the feed has not read past the moment a late append could land").isFalse();
        assertThat(rule.mayRelease(holder, PENDING, 0, deadline + 3_600_000)).as("Kafka still down").isFalse();
        assertThat(rule.mayRelease(holder, PENDING, inDoubtDeadline, inDoubtDeadline)).isTrue();
    }

    @Test
    void anInDoubtSendThatWasStoredAfterAllIsASessionAndIsNeverSwept() {
        HostEntry inDoubt = Hosts.available("h1", "pool", 0).reserve("s1", "alice", 5, false, NOW)
                .markInDoubt("s1", NOW + 5_000);

        HostEntry stored = inDoubt.markAllocated("s1");

        assertThat(stored.slots().get(0).allocated()).isTrue();
        assertThat(rule.mayRelease(stored.slots().get(0), PENDING, Long.MAX_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(stored.markInDoubt("s1", NOW + 6_000)).as("a stored allocation is no longer in doubt")
                .isSameAs(stored);
        assertThat(inDoubt.markInDoubt("s1", NOW + 9_000)).as("the first failure counts").isSameAs(inDoubt);
        assertThat(inDoubt.confirm("s1", "alice").slots().get(0).isUnconfirmed()).isFalse();
    }
}
