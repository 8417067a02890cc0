package io.berth.broker.feed;

import io.berth.broker.cache.ApplyHealth;
import io.berth.broker.cache.SeatChange;
import io.berth.broker.cache.SlotChange;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;

import static io.berth.broker.feed.FeedApplier.changesNothing;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which feed changes are skipped: those that leave the entry equal. And why that stays true while connects on
 * other nodes write the same entry: none of their writes undoes what made the change a no-op.
 */
class FeedApplierTest {

    private static final long NOW = 1_800_000_000_000L;

    private static HostEntry confirmedOnHost(String sessionId) {
        return SessionChangesTest.reservedFor("h1", sessionId).confirm(sessionId, "alice");
    }

    private static UserSeat completedSeat(String sessionId) {
        return UserSeat.empty("pool", "alice").claim(sessionId, 0, NOW, 30_000).completeClaim(sessionId, "h1");
    }

    @Test
    void activeConfirmingASlotPendingAlreadyConfirmedChangesNothing() {
        SlotChange active = SlotChange.confirm("s1", "alice", "pool");

        assertThat(changesNothing("h1", confirmedOnHost("s1"), active)).isTrue();
        assertThat(changesNothing("h1", SessionChangesTest.reservedFor("h1", "s1"), active))
                .as("PENDING confirming a reservation").isFalse();
        assertThat(changesNothing("h1", null, active)).as("a session seen before its host's health").isFalse();
    }

    @Test
    void pendingOnASeatTheConnectCompletedChangesNothingButActiveDoes() {
        UserSeat seat = completedSeat("s1");

        assertThat(changesNothing("pool/alice", seat,
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.PENDING))).isTrue();
        assertThat(changesNothing("pool/alice", seat,
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.ACTIVE))).isFalse();
        assertThat(changesNothing("pool/alice", null,
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.PENDING)))
                .as("a seat the connect has not completed yet").isFalse();
    }

    @Test
    void anEndOfASessionAlreadyGoneChangesNothing() {
        UserSeat otherSession = completedSeat("s2");

        assertThat(changesNothing("h1", SessionChangesTest.reservedFor("h1", "s2"), SlotChange.end("s1"))).isTrue();
        assertThat(changesNothing("pool/alice", otherSession,
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.ENDED))).isTrue();
        assertThat(changesNothing("h1", confirmedOnHost("s1"), SlotChange.end("s1"))).isFalse();
        assertThat(changesNothing("pool/alice", completedSeat("s1"),
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.ENDED))).isFalse();
    }

    @Test
    void onlyAnOlderHeartbeatChangesNothing() {
        HostEntry host = confirmedOnHost("s1").withHealth("pool", io.berth.common.events.Health.AVAILABLE, true,
                null, NOW);

        assertThat(changesNothing("h1", host, new ApplyHealth("pool", "AVAILABLE", true, null, NOW - 1))).isTrue();
        assertThat(changesNothing("h1", host, new ApplyHealth("pool", "AVAILABLE", true, null, NOW + 1))).isFalse();
    }

    @Test
    void theConnectPathsWritesNeverUndoAConfirmedSlot() {
        // given a slot the feed would skip confirming
        HostEntry confirmed = confirmedOnHost("s1");
        SlotChange active = SlotChange.confirm("s1", "alice", "pool");

        // when other nodes reserve, abandon (their own or this session's reservation) and heartbeats arrive
        List<BiFunction<String, HostEntry, HostEntry>> concurrent = List.of(
                (id, host) -> host.reserve("s2", "bob", 10, false, NOW),
                SlotChange.abandon("s1"),
                SlotChange.abandon("s2"),
                new ApplyHealth("pool", "AVAILABLE", false, null, NOW + 30_000));

        // then the confirm changes nothing whether it comes before or after any of them
        HostEntry host = confirmed;
        for (BiFunction<String, HostEntry, HostEntry> write : concurrent) {
            host = write.apply("h1", host);
            assertThat(changesNothing("h1", host, active)).as("after %s", write).isTrue();
        }
    }

    @Test
    void theConnectPathsWritesNeverTakeASessionOutOfASeat() {
        // given a seat holding s1 as PENDING, so that the feed's PENDING for s1 is skipped
        UserSeat seat = completedSeat("s1");
        SeatChange pending = SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.PENDING);

        // when connects of the same user claim, complete and abandon the seat
        List<SeatChange> concurrent = List.of(
                SeatChange.claim("pool", "alice", "s2", seat.revision(), NOW + 1),
                SeatChange.abandon("pool", "alice", "s2"),
                SeatChange.claim("pool", "alice", "s3", seat.revision() + 2, NOW + 2),
                SeatChange.complete("pool", "alice", "s3", "h2"),
                SeatChange.complete("pool", "alice", "s1", "h1"));

        // then the skipped PENDING still changes nothing
        UserSeat current = seat;
        for (SeatChange write : concurrent) {
            current = write.apply("pool/alice", current);
            assertThat(changesNothing("pool/alice", current, pending)).as("after %s", write).isTrue();
        }
        assertThat(current.sessions()).hasSize(2);
    }
}
