package io.berth.broker.domain;

import io.berth.common.events.Health;

import java.util.List;
import java.util.Objects;

/**
 * One session host as the broker holds it: its health from {@code berth.host-health} together with the
 * slots taken on it (live sessions from {@code berth.sessions} plus reservations not yet confirmed there)
 * and a personal-pool claim made by a broker before the inventory has recorded the assignment.
 *
 * <p>Health and slots live in one entry on purpose: a reservation is one atomic operation on this entry
 * that sees the host's limit, drain flag, health and assignment together. Every operation returns a new
 * entry ({@code revision + 1}) or this one unchanged; the cache applies it atomically on the entry's owner.
 */
public record HostEntry(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                        long lastHeartbeatMillis, List<SlotHolder> slots, String claimedUser, long revision) {

    public HostEntry {
        Objects.requireNonNull(hostId, "hostId");
        health = health == null ? Health.UNAVAILABLE : health;
        slots = SlotList.of(slots);
    }

    /** A host known only from its sessions so far (replay order across topics): no new sessions, no reconnects. */
    public static HostEntry placeholder(String hostId, String poolId) {
        return new HostEntry(hostId, poolId, Health.UNAVAILABLE, false, null, 0L, SlotList.EMPTY, null, 0L);
    }

    /** Live sessions plus reservations: what counts against {@code maxSessionsPerHost}. */
    public int liveSessions() {
        return slots.size();
    }

    /** The user this host belongs to in a personal pool: the inventory's record, else a broker's claim. */
    public String effectiveUser() {
        return assignedUser != null ? assignedUser : claimedUser;
    }

    public boolean holds(String sessionId) {
        return indexOf(sessionId) >= 0;
    }

    /**
     * A new health snapshot. An older heartbeat than the one held is ignored (a re-applied record after a
     * rebalance). Once the inventory names an assigned user, a broker's own claim is no longer needed.
     */
    public HostEntry withHealth(String poolId, Health health, boolean allowNewSessions, String assignedUser,
                                long lastHeartbeatMillis) {
        if (lastHeartbeatMillis < this.lastHeartbeatMillis) {
            return this;
        }
        String claim = assignedUser != null ? null : claimedUser;
        return new HostEntry(hostId, poolId != null ? poolId : this.poolId, health, allowNewSessions, assignedUser,
                lastHeartbeatMillis, slots, claim, revision + 1);
    }

    /**
     * Reserves one slot for a new session, atomically with the checks that must hold at that moment: the
     * host takes new sessions, is below {@code limit}, and (personal pools) belongs to nobody else. With
     * {@code claimForUser} the host is claimed for the user. Returns this entry unchanged when refused, so
     * the caller learns the outcome from {@link #holds(String)}.
     */
    public HostEntry reserve(String sessionId, String userId, int limit, boolean personal, long nowMillis) {
        if (holds(sessionId)) {
            return this;
        }
        if (health != Health.AVAILABLE || !allowNewSessions || slots.size() >= limit) {
            return this;
        }
        String owner = effectiveUser();
        if (personal && owner != null && !owner.equals(userId)) {
            return this;
        }
        SlotList next = slotList().plus(new SlotHolder(sessionId, userId, Math.max(1L, nowMillis)));
        String claim = personal && owner == null ? userId : claimedUser;
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, next, claim,
                revision + 1);
    }

    /**
     * {@code berth.sessions} shows a live session on this host: its slot is confirmed, or taken if no broker
     * reserved it (a session the broker did not see being placed still occupies the host).
     */
    public HostEntry confirm(String sessionId, String userId) {
        int index = indexOf(sessionId);
        if (index >= 0 && !slots.get(index).isUnconfirmed()) {
            return this;
        }
        SlotHolder confirmed = new SlotHolder(sessionId, userId, 0L);
        SlotList next = index >= 0 ? slotList().replaced(index, confirmed) : slotList().plus(confirmed);
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, next,
                claimedUser, revision + 1);
    }

    /** The session ended: its slot is free. A personal claim stays (the host remains the user's). */
    public HostEntry endSession(String sessionId) {
        int index = indexOf(sessionId);
        if (index < 0) {
            return this;
        }
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis,
                slotList().without(index), claimedUser, revision + 1);
    }

    /**
     * A reservation that will never become a session (Kafka refused the allocation, or it was never
     * confirmed within the pending timeout): frees the slot and drops the personal claim it made. A slot that
     * {@code berth.sessions} already confirmed is left alone.
     */
    public HostEntry abandonReservation(String sessionId) {
        int index = indexOf(sessionId);
        if (index < 0 || !slots.get(index).isUnconfirmed()) {
            return this;
        }
        SlotHolder holder = slots.get(index);
        SlotList next = slotList().without(index);
        boolean userHoldsOther = false;
        for (SlotHolder other : next) {
            userHoldsOther |= other.userId() != null && other.userId().equals(holder.userId());
        }
        String claim = claimedUser != null && claimedUser.equals(holder.userId()) && !userHoldsOther
                ? null : claimedUser;
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, next, claim,
                revision + 1);
    }

    private int indexOf(String sessionId) {
        return slotList().indexOfSession(sessionId);
    }

    /** The slots as the compact constructor keeps them (see {@link SlotList}). */
    private SlotList slotList() {
        return (SlotList) slots;
    }
}
