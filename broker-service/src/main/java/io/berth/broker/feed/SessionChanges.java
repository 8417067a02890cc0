package io.berth.broker.feed;

import io.berth.broker.cache.SeatChange;
import io.berth.broker.cache.SeatChanges;
import io.berth.broker.cache.SlotChange;
import io.berth.broker.cache.SlotChanges;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The {@code berth.sessions} records of one feed batch as one change per host (its slots) and one per seat,
 * each applying its key's changes in the order the records came: a host with many sessions in a batch costs
 * one atomic compute, not one per session.
 */
final class SessionChanges {

    private final Map<String, List<SlotChange>> byHost = new LinkedHashMap<>();
    private final Map<String, List<SeatChange>> bySeat = new LinkedHashMap<>();

    /** {@link #add(SessionEvent, boolean)} in a pool without a logon cap. */
    void add(SessionEvent session) {
        add(session, false);
    }

    /**
     * Adds a session record's changes; its ids and state must be present (checked by the caller). With
     * {@code tracksLogons} (the pool has a logon cap) a PENDING session keeps its logon in progress until a later
     * record says ACTIVE or DISCONNECTED; without, a confirmed slot is logged on at once, so that ACTIVE after
     * PENDING changes nothing on the host and costs no write (see {@link FeedApplier}).
     */
    void add(SessionEvent session, boolean tracksLogons) {
        SlotChange slot = session.state().isLive()
                ? SlotChange.confirm(session.sessionId(), session.userId(), session.poolId(),
                !tracksLogons || session.state() != SessionState.PENDING)
                : SlotChange.end(session.sessionId());
        byHost.computeIfAbsent(session.hostId(), hostId -> new ArrayList<>(2)).add(slot);
        bySeat.computeIfAbsent(UserSeat.key(session.poolId(), session.userId()), key -> new ArrayList<>(1))
                .add(SeatChange.sessionState(session.poolId(), session.userId(), session.sessionId(),
                        session.hostId(), session.state()));
    }

    /**
     * An allocation on {@code berth.allocations}: its reservation is durable. Added before the batch's session
     * records of the host, which come later in time (the session service reads the allocation first).
     */
    void addAllocation(AllocationEvent allocation) {
        byHost.computeIfAbsent(allocation.hostId(), hostId -> new ArrayList<>(2))
                .add(SlotChange.allocated(allocation.sessionId()));
    }

    int hosts() {
        return byHost.size();
    }

    int seats() {
        return bySeat.size();
    }

    /** Each host's slot changes as one function, hosts in the order they were first seen. */
    void forEachHost(BiConsumer<String, BiFunction<String, HostEntry, HostEntry>> action) {
        byHost.forEach((hostId, changes) -> action.accept(hostId, SlotChanges.of(changes)));
    }

    /** Each seat's changes as one function, seats in the order they were first seen. */
    void forEachSeat(BiConsumer<String, BiFunction<String, UserSeat, UserSeat>> action) {
        bySeat.forEach((key, changes) -> action.accept(key, SeatChanges.of(changes)));
    }
}
