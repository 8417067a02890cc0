package io.berth.broker.domain;

import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class UserSeatTest {

    private static final long TTL = HostPlacement.SEAT_CLAIM_TTL_MILLIS;

    @Test
    void aConnectClaimsAnUnchangedSeat() {
        UserSeat seat = UserSeat.empty("pool", "alice");

        UserSeat claimed = seat.claim("s1", 0, NOW, TTL);

        assertThat(claimed.isClaimedBy("s1")).isTrue();
        assertThat(claimed.revision()).isEqualTo(1);
    }

    @Test
    void aSeatThatChangedSinceTheDecisionIsNotClaimed() {
        UserSeat seat = UserSeat.empty("pool", "alice").withSession("s0", "h1", SessionState.PENDING);

        assertThat(seat.claim("s1", 0, NOW, TTL)).isSameAs(seat);
    }

    @Test
    void aSecondConcurrentConnectOfTheSameUserFindsTheSeatClaimed() {
        UserSeat claimed = UserSeat.empty("pool", "alice").claim("s1", 0, NOW, TTL);

        assertThat(claimed.claim("s2", claimed.revision(), NOW + 10, TTL)).isSameAs(claimed);
    }

    @Test
    void theClaimOfADeadNodeExpires() {
        UserSeat claimed = UserSeat.empty("pool", "alice").claim("s1", 0, NOW, TTL);

        UserSeat taken = claimed.claim("s2", claimed.revision(), NOW + TTL, TTL);

        assertThat(taken.isClaimedBy("s2")).isTrue();
    }

    @Test
    void completingTheClaimRecordsThePendingSessionAndReleasesTheSeat() {
        UserSeat claimed = UserSeat.empty("pool", "alice").claim("s1", 0, NOW, TTL);

        UserSeat completed = claimed.completeClaim("s1", "h7");

        assertThat(completed.sessions()).containsExactly(new SeatSession("s1", "h7", SessionState.PENDING));
        assertThat(completed.claimSessionId()).isNull();
    }

    @Test
    void anAbandonedClaimLeavesAVacantSeat() {
        UserSeat claimed = UserSeat.empty("pool", "alice").claim("s1", 0, NOW, TTL);

        assertThat(claimed.abandonClaim("s1").isVacant()).isTrue();
        assertThat(claimed.abandonClaim("other")).isSameAs(claimed);
    }

    @Test
    void sessionStatesFollowBerthSessionsAndEndedSessionsLeave() {
        UserSeat seat = UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.PENDING);

        UserSeat active = seat.withSession("s1", "h1", SessionState.ACTIVE);
        UserSeat ended = active.withSession("s1", "h1", SessionState.ENDED);

        assertThat(active.sessions()).containsExactly(new SeatSession("s1", "h1", SessionState.ACTIVE));
        assertThat(active.withSession("s1", "h1", SessionState.ACTIVE)).isSameAs(active);
        assertThat(ended.isVacant()).isTrue();
    }

    @Test
    void aClaimWhoseSessionAppearsOnBerthSessionsIsDoneEvenIfTheConnectNeverCompletedIt() {
        // The connect's send timed out, yet the allocation was stored: the session service reports it.
        UserSeat claimed = UserSeat.empty("pool", "alice").claim("s1", 0, NOW, TTL);

        UserSeat reported = claimed.withSession("s1", "h7", SessionState.PENDING);

        assertThat(reported.sessions()).containsExactly(new SeatSession("s1", "h7", SessionState.PENDING));
        assertThat(reported.hasLiveClaim(NOW, TTL)).as("a reconnect finds the session, not a connect in progress")
                .isFalse();
        assertThat(claimed.withSession("other", "h7", SessionState.ENDED)).as("another session's end").isSameAs(claimed);
    }
}
