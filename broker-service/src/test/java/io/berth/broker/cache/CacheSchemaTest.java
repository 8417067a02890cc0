package io.berth.broker.cache;

import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.PhaseBalancer;
import io.berth.broker.domain.SlotLimits;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.SeatSession;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionState;
import org.infinispan.protostream.ProtobufUtil;
import org.infinispan.protostream.SerializationContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cluster sends between nodes survives the generated marshallers unchanged. */
class CacheSchemaTest {

    private final SerializationContext context = ProtobufUtil.newSerializationContext();

    CacheSchemaTest() {
        new CacheSchemaImpl().register(context);
    }

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(T value) throws Exception {
        return (T) ProtobufUtil.fromWrappedByteArray(context, ProtobufUtil.toWrappedByteArray(context, value));
    }

    @Test
    void theLogonCapLoadAndScalingPhaseRoundTrip() throws Exception {
        HostEntry host = new HostEntry("h1", "pool", Health.AVAILABLE, true, null, 1_800_000_000_000L,
                List.of(new SlotHolder("s1", "alice", 0L, false, false), new SlotHolder("s2", "bob", 0L, false, true)),
                null, 3, List.of("s1"), new HostLoad(95.5, 40));
        PoolPolicy pool = new PoolPolicy("pool", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 20,
                PersonalAssignment.AUTOMATIC, false, 30, 60, 2, new LoadThresholds(80, null));
        PhaseBalancer phase = new PhaseBalancer("pool", "plan-1", ScalingPhase.RAMP_DOWN, LoadBalancer.DEPTH_FIRST);

        assertThat(roundTrip(host)).isEqualTo(host);
        assertThat(roundTrip(host).pendingLogons()).isEqualTo(1);
        assertThat(roundTrip(pool)).isEqualTo(pool);
        assertThat(roundTrip(phase)).isEqualTo(phase);

        HostEntry empty = new HostEntry("h2", "pool", Health.AVAILABLE, true, null, 1L, List.of(), null, 1);
        HostEntry reserved = roundTrip(new ReserveSlot("s1", "carol", new SlotLimits(20, 1, null), false, 5L))
                .apply("h2", empty);
        assertThat(reserved.holds("s1")).isTrue();
        assertThat(roundTrip(new ReserveSlot("s2", "dave", new SlotLimits(20, 1, null), false, 5L))
                .apply("h2", reserved).holds("s2")).as("the cap survives the wire").isFalse();
        HostEntry loaded = roundTrip(new ApplyHealth("pool", "AVAILABLE", true, null, 2L, List.of(),
                new HostLoad(90, 10))).apply("h2", empty);
        assertThat(loaded.load()).isEqualTo(new HostLoad(90, 10));
        assertThat(roundTrip(new ReserveSlot("s3", "erin", new SlotLimits(20, 0, new LoadThresholds(80, null)), false,
                5L)).apply("h2", loaded).holds("s3")).as("the thresholds survive the wire").isFalse();
        assertThat(roundTrip(SlotChange.confirm("s1", "carol", "pool", true)).apply("h2", reserved).pendingLogons())
                .isZero();
    }

    @Test
    void cachedValuesRoundTrip() throws Exception {
        HostEntry host = new HostEntry("h1", "pool", Health.NEEDS_ASSISTANCE,
                false, null, 1_800_000_000_000L,
                List.of(new SlotHolder("s1", "alice", 0L), new SlotHolder("s2", "bob", 1_800_000_000_001L)), "carol", 42);
        UserSeat seat = new UserSeat("pool", "alice", List.of(new SeatSession("s1", "h1", SessionState.DISCONNECTED)),
                "s9", 123L, 7);
        PoolPolicy pool = new PoolPolicy("pool", PoolType.PERSONAL, LoadBalancer.DEPTH_FIRST, 3,
                PersonalAssignment.DIRECT, true, 15, 90);
        AppGroupAccess appGroup = new AppGroupAccess("desk", "pool", AppGroupType.REMOTE_APP, Set.of("alice", "bob"),
                Set.of("staff"));

        assertThat(roundTrip(host)).isEqualTo(host);
        assertThat(roundTrip(HostEntry.placeholder("h2", null))).isEqualTo(HostEntry.placeholder("h2", null));
        assertThat(roundTrip(seat)).isEqualTo(seat);
        assertThat(roundTrip(UserSeat.empty("pool", "bob"))).isEqualTo(UserSeat.empty("pool", "bob"));
        assertThat(roundTrip(pool)).isEqualTo(pool);
        assertThat(roundTrip(appGroup)).isEqualTo(appGroup);
        StoredAnswer answer = roundTrip(new StoredAnswer("alice", "desk", "s1", "h1", "pool", true, 99L));
        assertThat(answer.sessionId()).isEqualTo("s1");
        assertThat(answer.reconnect()).isTrue();
        assertThat(answer.issuedAtSeconds()).isEqualTo(99L);
    }

    @Test
    void theAtomicFunctionsTravelToTheEntrysOwnerIntact() throws Exception {
        HostEntry host = new HostEntry("h1", "pool", Health.AVAILABLE, true, null, 1L, List.of(), null, 1);

        HostEntry reserved = roundTrip(new ReserveSlot("s1", "alice", 1, true, 5L)).apply("h1", host);
        HostEntry confirmed = roundTrip(SlotChange.confirm("s1", "alice", "pool")).apply("h1", reserved);
        HostEntry healthy = roundTrip(new ApplyHealth("pool", "AVAILABLE", false, "alice", 2L)).apply("h1", confirmed);
        UserSeat claimed = roundTrip(SeatChange.claim("pool", "alice", "s1", 0, 10L)).apply("pool/alice", null);
        UserSeat vacated = roundTrip(SeatChange.abandon("pool", "alice", "s1")).apply("pool/alice", claimed);

        assertThat(reserved.holds("s1")).isTrue();
        assertThat(reserved.claimedUser()).isEqualTo("alice");
        assertThat(confirmed.slots()).containsExactly(new SlotHolder("s1", "alice", 0L));
        assertThat(healthy.assignedUser()).isEqualTo("alice");
        assertThat(healthy.allowNewSessions()).isFalse();
        assertThat(claimed.isClaimedBy("s1")).isTrue();
        assertThat(vacated).as("a vacant seat is removed").isNull();
    }

    @Test
    void theFeedsChangesOfOneHostOrSeatTravelAsOneFunction() throws Exception {
        HostEntry host = new HostEntry("h1", "pool", Health.AVAILABLE, true, null, 1L,
                List.of(new SlotHolder("s1", "alice", 5L), new SlotHolder("s2", "bob", 0L)), null, 1);
        SlotChanges slots = new SlotChanges(List.of(SlotChange.confirm("s1", "alice", "pool"), SlotChange.end("s2"),
                SlotChange.confirm("s3", "carol", "pool")));
        SeatChanges seats = new SeatChanges(List.of(
                SeatChange.sessionState("pool", "alice", "s1", "h1", SessionState.ENDED),
                SeatChange.sessionState("pool", "alice", "s4", "h2", SessionState.ACTIVE)));
        UserSeat seat = UserSeat.empty("pool", "alice").withSession("s1", "h1", SessionState.ACTIVE);

        HostEntry after = roundTrip(slots).apply("h1", host);
        UserSeat seatAfter = roundTrip(seats).apply("pool/alice", seat);

        assertThat(after).isEqualTo(slots.apply("h1", host));
        assertThat(after.slots()).containsExactly(new SlotHolder("s1", "alice", 0L), new SlotHolder("s3", "carol", 0L));
        assertThat(seatAfter.sessions()).containsExactly(new SeatSession("s4", "h2", SessionState.ACTIVE));
        assertThat(roundTrip(new SlotChanges(List.of())).apply("h1", host)).isSameAs(host);
    }
}
