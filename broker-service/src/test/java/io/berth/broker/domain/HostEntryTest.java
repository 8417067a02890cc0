package io.berth.broker.domain;

import io.berth.common.events.Health;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class HostEntryTest {

    @Test
    void aReservationBelowTheLimitTakesASlot() {
        HostEntry host = Hosts.available("h1", "pool", 1);

        HostEntry after = host.reserve("s-new", "alice", 2, false, NOW);

        assertThat(after.holds("s-new")).isTrue();
        assertThat(after.liveSessions()).isEqualTo(2);
        assertThat(after.revision()).isEqualTo(host.revision() + 1);
        assertThat(after.slots()).last().extracting(SlotHolder::isUnconfirmed).isEqualTo(true);
    }

    @Test
    void theLastSlotGoesToOneReservationOnly() {
        HostEntry host = Hosts.available("h1", "pool", 1);

        HostEntry first = host.reserve("s-a", "alice", 2, false, NOW);
        HostEntry second = first.reserve("s-b", "bob", 2, false, NOW);

        assertThat(first.holds("s-a")).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(second.holds("s-b")).isFalse();
    }

    @Test
    void aDrainingOrUnhealthyHostRefusesReservations() {
        assertThat(Hosts.host("h1", "pool", Health.AVAILABLE, false, 0).reserve("s", "u", 5, false, NOW).holds("s"))
                .isFalse();
        assertThat(Hosts.host("h1", "pool", Health.UPGRADING, true, 0).reserve("s", "u", 5, false, NOW).holds("s"))
                .isFalse();
    }

    @Test
    void aPersonalReservationClaimsTheHostForTheUser() {
        HostEntry host = Hosts.available("h1", "pool", 0);

        HostEntry claimed = host.reserve("s-a", "alice", 1, true, NOW);

        assertThat(claimed.claimedUser()).isEqualTo("alice");
        assertThat(claimed.effectiveUser()).isEqualTo("alice");
    }

    @Test
    void aHostClaimedByOneUserIsNeverGivenToAnother() {
        HostEntry claimed = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 5, true, NOW);

        HostEntry refused = claimed.reserve("s-b", "bob", 5, true, NOW);

        assertThat(refused).isSameAs(claimed);
        assertThat(Hosts.assigned("h2", "pool", "carol", Health.AVAILABLE).reserve("s-b", "bob", 5, true, NOW)
                .holds("s-b")).as("a host the inventory assigned to carol").isFalse();
    }

    @Test
    void berthSessionsConfirmsAReservation() {
        HostEntry reserved = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 1, false, NOW);

        HostEntry confirmed = reserved.confirm("s-a", "alice");

        assertThat(confirmed.slots()).containsExactly(new SlotHolder("s-a", "alice", 0L));
        assertThat(confirmed.confirm("s-a", "alice")).as("confirming twice changes nothing").isSameAs(confirmed);
    }

    @Test
    void aSessionTheBrokerDidNotPlaceStillOccupiesASlot() {
        HostEntry full = Hosts.available("h1", "pool", 1);

        HostEntry after = full.confirm("s-elsewhere", "zoe");

        assertThat(after.liveSessions()).isEqualTo(2);
    }

    @Test
    void anEndedSessionFreesItsSlotButKeepsThePersonalClaim() {
        HostEntry host = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 1, true, NOW).confirm("s-a", "alice");

        HostEntry after = host.endSession("s-a");

        assertThat(after.liveSessions()).isZero();
        assertThat(after.claimedUser()).isEqualTo("alice");
    }

    @Test
    void anAbandonedReservationFreesTheSlotAndDropsItsClaim() {
        HostEntry reserved = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 1, true, NOW);

        HostEntry after = reserved.abandonReservation("s-a");

        assertThat(after.liveSessions()).isZero();
        assertThat(after.claimedUser()).isNull();
    }

    @Test
    void aConfirmedSessionIsNotAbandoned() {
        HostEntry confirmed = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 1, false, NOW)
                .confirm("s-a", "alice");

        assertThat(confirmed.abandonReservation("s-a")).isSameAs(confirmed);
    }

    @Test
    void aHealthSnapshotKeepsTheSlotsAndAnAssignmentReplacesTheClaim() {
        HostEntry claimed = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 1, true, NOW);

        HostEntry drained = claimed.withHealth("pool", Health.AVAILABLE, false, null, NOW + 30_000);
        HostEntry recorded = drained.withHealth("pool", Health.AVAILABLE, false, "alice", NOW + 60_000);

        assertThat(drained.slots()).isEqualTo(claimed.slots());
        assertThat(drained.claimedUser()).as("the inventory has not recorded it yet").isEqualTo("alice");
        assertThat(recorded.claimedUser()).isNull();
        assertThat(recorded.assignedUser()).isEqualTo("alice");
    }

    @Test
    void anOlderHealthSnapshotIsIgnored() {
        HostEntry host = Hosts.available("h1", "pool", 0);

        assertThat(host.withHealth("pool", Health.SHUTDOWN, true, null, NOW - 1)).isSameAs(host);
    }

    @Test
    void aPlaceholderTakesNoSessionsUntilItsHealthArrives() {
        HostEntry placeholder = HostEntry.placeholder("h1", "pool").confirm("s1", "alice");

        assertThat(placeholder.reserve("s2", "bob", 10, false, NOW).holds("s2")).isFalse();
        assertThat(placeholder.withHealth("pool", Health.AVAILABLE, true, null, NOW).slots())
                .containsExactly(new SlotHolder("s1", "alice", 0L));
        assertThat(placeholder.slots()).hasSize(1);
        assertThat(List.of(placeholder.health())).containsExactly(Health.UNAVAILABLE);
    }
}
