package io.berth.broker.feed;

import io.berth.broker.cache.SlotChange;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.SeatSession;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.Health;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch's session records become one change per host and one per seat, each keeping the records' order. */
class SessionChangesTest {

    private static final long NOW = 1_800_000_000_000L;

    static SessionEvent session(String sessionId, String userId, String hostId, SessionState state) {
        Instant at = Instant.ofEpochMilli(NOW);
        return new SessionEvent(1, sessionId, userId, "pool", hostId, state, at, at, null);
    }

    static HostEntry reservedFor(String hostId, String... sessionIds) {
        HostEntry host = new HostEntry(hostId, "pool", Health.AVAILABLE, true, null, NOW, List.of(), null, 1);
        for (String sessionId : sessionIds) {
            host = host.reserve(sessionId, "user-" + sessionId, 10, false, NOW);
        }
        return host;
    }

    private static Map<String, BiFunction<String, HostEntry, HostEntry>> hostChanges(SessionChanges changes) {
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = new LinkedHashMap<>();
        changes.forEachHost(byHost::put);
        return byHost;
    }

    private static Map<String, BiFunction<String, UserSeat, UserSeat>> seatChanges(SessionChanges changes) {
        Map<String, BiFunction<String, UserSeat, UserSeat>> bySeat = new LinkedHashMap<>();
        changes.forEachSeat(bySeat::put);
        return bySeat;
    }

    @Test
    void manySessionsOnOneHostBecomeOneChangeOfThatHost() {
        // given a batch confirming three sessions on h1 and one on h2
        SessionChanges changes = new SessionChanges();
        changes.add(session("s1", "user-s1", "h1", SessionState.PENDING));
        changes.add(session("s2", "user-s2", "h1", SessionState.PENDING));
        changes.add(session("s9", "user-s9", "h2", SessionState.ACTIVE));
        changes.add(session("s3", "user-s3", "h1", SessionState.ACTIVE));

        // when it is turned into changes per key
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = hostChanges(changes);

        // then each host gets one change, which does what the records' changes do one after the other
        assertThat(byHost).containsOnlyKeys("h1", "h2");
        assertThat(changes.hosts()).isEqualTo(2);
        assertThat(changes.seats()).as("one seat per user").isEqualTo(4);
        HostEntry h1 = reservedFor("h1", "s1", "s2", "s3");
        HostEntry oneByOne = SlotChange.confirm("s3", "user-s3", "pool").apply("h1",
                SlotChange.confirm("s2", "user-s2", "pool").apply("h1",
                        SlotChange.confirm("s1", "user-s1", "pool").apply("h1", h1)));
        HostEntry grouped = byHost.get("h1").apply("h1", h1);
        assertThat(grouped).isEqualTo(oneByOne);
        assertThat(grouped.slots()).extracting(SlotHolder::isUnconfirmed).containsExactly(false, false, false);
        assertThat(byHost.get("h2")).as("a single change is sent as it is").isInstanceOf(SlotChange.class);
    }

    @Test
    void theChangesOfOneKeyKeepTheRecordsOrder() {
        // given a session that ended and then showed up live again (in this order), and the reverse on h2
        SessionChanges changes = new SessionChanges();
        changes.add(session("s1", "alice", "h1", SessionState.ENDED));
        changes.add(session("s1", "alice", "h1", SessionState.ACTIVE));
        changes.add(session("s2", "bob", "h2", SessionState.ACTIVE));
        changes.add(session("s2", "bob", "h2", SessionState.ENDED));

        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = hostChanges(changes);
        Map<String, BiFunction<String, UserSeat, UserSeat>> bySeat = seatChanges(changes);

        // then the last record of each key wins, as it would one compute at a time
        assertThat(byHost.get("h1").apply("h1", reservedFor("h1", "s1")).slots())
                .containsExactly(new SlotHolder("s1", "alice", 0L));
        assertThat(byHost.get("h2").apply("h2", reservedFor("h2", "s2")).slots()).isEmpty();
        assertThat(bySeat.get("pool/alice").apply("pool/alice", null).sessions())
                .containsExactly(new SeatSession("s1", "h1", SessionState.ACTIVE));
        assertThat(bySeat.get("pool/bob").apply("pool/bob", null)).as("a vacant seat is removed").isNull();
    }

    @Test
    void aUsersSessionsOnSeveralHostsShareOneSeatChange() {
        SessionChanges changes = new SessionChanges();
        changes.add(session("s1", "alice", "h1", SessionState.ENDED));
        changes.add(session("s2", "alice", "h2", SessionState.PENDING));

        Map<String, BiFunction<String, UserSeat, UserSeat>> bySeat = seatChanges(changes);

        UserSeat before = UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.ACTIVE);
        assertThat(bySeat).containsOnlyKeys("pool/alice");
        assertThat(bySeat.get("pool/alice").apply("pool/alice", before).sessions())
                .containsExactly(new SeatSession("s2", "h2", SessionState.PENDING));
        assertThat(hostChanges(changes)).containsOnlyKeys("h1", "h2");
    }
}
