package io.berth.broker.feed;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.SlotHolder;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** An allocation read on berth.allocations marks its reservation durable, in the host's one change of the batch. */
class AllocationChangesTest {

    private static final long NOW = 1_800_000_000_000L;

    private static AllocationEvent allocation(String sessionId, String hostId) {
        return new AllocationEvent(1, sessionId, "user-" + sessionId, "pool", hostId, "desk",
                Instant.ofEpochMilli(NOW), "broker-0");
    }

    private static Map<String, BiFunction<String, HostEntry, HostEntry>> hostChanges(SessionChanges changes) {
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = new LinkedHashMap<>();
        changes.forEachHost(byHost::put);
        return byHost;
    }

    @Test
    void anAllocationMarksItsReservationDurableAndALaterEndStillFreesIt() {
        // given h1 holds reservations s1 and s2, and a batch with s1's allocation and s2's allocation and end
        HostEntry host = SessionChangesTest.reservedFor("h1", "s1", "s2");
        SessionChanges changes = new SessionChanges();
        changes.addAllocation(allocation("s1", "h1"));
        changes.addAllocation(allocation("s2", "h1"));
        changes.add(SessionChangesTest.session("s2", "user-s2", "h1", SessionState.ENDED));

        // when the host's change is applied
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = hostChanges(changes);
        HostEntry after = byHost.get("h1").apply("h1", host);

        // then s1 is a durable pending session and s2's slot is free
        assertThat(byHost).containsOnlyKeys("h1");
        assertThat(after.slots()).containsExactly(new SlotHolder("s1", "user-s1", NOW, true));
    }

    @Test
    void anAllocationForAReleasedReservationChangesNothing() {
        HostEntry host = SessionChangesTest.reservedFor("h1");
        SessionChanges changes = new SessionChanges();
        changes.addAllocation(allocation("gone", "h1"));

        assertThat(hostChanges(changes).get("h1").apply("h1", host)).isSameAs(host);
        assertThat(hostChanges(changes).get("h1").apply("h1", null)).isNull();
    }
}
