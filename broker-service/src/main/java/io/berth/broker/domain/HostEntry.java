package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;
import io.berth.common.events.LoadThresholds;

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
 *
 * <p>{@code reportedSessionIds} are the ids the host's last heartbeat listed. An id Berth never allocated (a
 * confused or hostile agent) is still a logon using the host, so it counts toward the host's load; it never
 * becomes a session or a reconnect (those come from {@code berth.sessions} and the seats only).
 *
 * <p>{@code load} is what the last heartbeat reported (null: it reported none, so the load is unknown and never
 * filtered, DESIGN.md 7.4).
 */
public record HostEntry(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                        long lastHeartbeatMillis, List<SlotHolder> slots, String claimedUser, long revision,
                        List<String> reportedSessionIds, HostLoad load) {

    public HostEntry {
        Objects.requireNonNull(hostId, "hostId");
        health = health == null ? Health.UNAVAILABLE : health;
        slots = SlotList.of(slots);
        reportedSessionIds = reportedSessionIds == null ? List.of() : List.copyOf(reportedSessionIds);
    }

    public HostEntry(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                     long lastHeartbeatMillis, List<SlotHolder> slots, String claimedUser, long revision,
                     List<String> reportedSessionIds) {
        this(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, slots, claimedUser, revision,
                reportedSessionIds, null);
    }

    public HostEntry(String hostId, String poolId, Health health, boolean allowNewSessions, String assignedUser,
                     long lastHeartbeatMillis, List<SlotHolder> slots, String claimedUser, long revision) {
        this(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, slots, claimedUser, revision,
                List.of());
    }

    /** A host known only from its sessions so far (replay order across topics): no new sessions, no reconnects. */
    public static HostEntry placeholder(String hostId, String poolId) {
        return new HostEntry(hostId, poolId, Health.UNAVAILABLE, false, null, 0L, SlotList.EMPTY, null, 0L);
    }

    /**
     * What counts against {@code maxSessionsPerHost}: live sessions and reservations (the slots), plus the ids
     * the host reports that hold no slot. That is the size of the union, so a reported session of Berth's is
     * counted once, and one the agent made up still takes a seat.
     */
    public int liveSessions() {
        return slots.size() + unknownReportedSessions();
    }

    /**
     * Logons in progress on this host: reservations and sessions {@code berth.sessions} shows PENDING. What
     * {@code maxConcurrentLogonsPerHost} limits; a session the agent reported on its own is not one.
     */
    public int pendingLogons() {
        return slotList().pendingLogons();
    }

    /** Whether the host holds {@code maxPendingLogons} logons in progress already (0 = no cap). */
    public boolean isAtLogonCap(int maxPendingLogons) {
        return maxPendingLogons > 0 && pendingLogons() >= maxPendingLogons;
    }

    /** Whether the last reported load is at or above a threshold (null thresholds: none; unknown load: never). */
    public boolean isOverLoad(LoadThresholds thresholds) {
        return thresholds != null && thresholds.exceededBy(load);
    }

    /** Reported ids without a slot: sessions the broker did not place (or has not seen on berth.sessions yet). */
    public int unknownReportedSessions() {
        int unknown = 0;
        for (String sessionId : reportedSessionIds) {
            if (sessionId != null && slotList().indexOfSession(sessionId) < 0) {
                unknown++;
            }
        }
        return unknown;
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
        return withHealth(poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, reportedSessionIds);
    }

    /** A new health snapshot with the session ids the heartbeat listed (see {@link #liveSessions()}), no load. */
    public HostEntry withHealth(String poolId, Health health, boolean allowNewSessions, String assignedUser,
                                long lastHeartbeatMillis, List<String> reportedSessionIds) {
        return withHealth(poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, reportedSessionIds,
                null);
    }

    /** A new health snapshot; {@code load} replaces the last one (null: the heartbeat carried none, unknown). */
    public HostEntry withHealth(String poolId, Health health, boolean allowNewSessions, String assignedUser,
                                long lastHeartbeatMillis, List<String> reportedSessionIds, HostLoad load) {
        if (lastHeartbeatMillis < this.lastHeartbeatMillis) {
            return this;
        }
        String claim = assignedUser != null ? null : claimedUser;
        return new HostEntry(hostId, poolId != null ? poolId : this.poolId, health, allowNewSessions, assignedUser,
                lastHeartbeatMillis, slots, claim, revision + 1, reportedSessionIds, load);
    }

    /** {@link #reserve(String, String, SlotLimits, boolean, long)} with a session limit only. */
    public HostEntry reserve(String sessionId, String userId, int limit, boolean personal, long nowMillis) {
        return reserve(sessionId, userId, SlotLimits.sessionsOnly(limit), personal, nowMillis);
    }

    /**
     * Reserves one slot for a new session, atomically with the checks that must hold at that moment: the
     * host takes new sessions, is below the session limit and the logon cap, below the load thresholds, and
     * (personal pools) belongs to nobody else; a personal reservation claims the host for the user. Returns
     * this entry unchanged when refused, so the caller learns the outcome from {@link #holds(String)}.
     */
    public HostEntry reserve(String sessionId, String userId, SlotLimits limits, boolean personal, long nowMillis) {
        if (holds(sessionId)) {
            return this;
        }
        if (health != Health.AVAILABLE || !allowNewSessions || liveSessions() >= limits.maxSessions()
                || isAtLogonCap(limits.maxPendingLogons()) || isOverLoad(limits.loadThresholds())) {
            return this;
        }
        String owner = effectiveUser();
        if (personal && owner != null && !owner.equals(userId)) {
            return this;
        }
        SlotList next = slotList().plus(new SlotHolder(sessionId, userId, Math.max(1L, nowMillis)));
        String claim = personal && owner == null ? userId : claimedUser;
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, next, claim,
                revision + 1, reportedSessionIds, load);
    }

    /** {@link #confirm(String, String, boolean)} of a session that logged on (ACTIVE or DISCONNECTED). */
    public HostEntry confirm(String sessionId, String userId) {
        return confirm(sessionId, userId, true);
    }

    /**
     * {@code berth.sessions} shows a live session on this host: its slot is confirmed, or taken if no broker
     * reserved it (a session the broker did not see being placed still occupies the host). {@code loggedOn}
     * (ACTIVE or DISCONNECTED) ends its logon, freeing its place under the logon cap; a session never goes back
     * to PENDING, so a late PENDING record leaves a logged-on slot logged on.
     */
    public HostEntry confirm(String sessionId, String userId, boolean loggedOn) {
        int index = indexOf(sessionId);
        boolean wasLoggedOn = index >= 0 && slots.get(index).loggedOn();
        if (index >= 0 && !slots.get(index).isUnconfirmed() && (wasLoggedOn || !loggedOn)) {
            return this;
        }
        SlotHolder confirmed = new SlotHolder(sessionId, userId, 0L, false, loggedOn || wasLoggedOn);
        SlotList next = index >= 0 ? slotList().replaced(index, confirmed) : slotList().plus(confirmed);
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, next,
                claimedUser, revision + 1, reportedSessionIds, load);
    }

    /**
     * {@code berth.allocations} shows the reservation's allocation: it is durable, a session the session service
     * will report, so no sweep may free it (only {@code berth.sessions} does). A slot already confirmed, or
     * not held (released, or ended first), is left as it is.
     */
    public HostEntry markAllocated(String sessionId) {
        int index = indexOf(sessionId);
        if (index < 0 || !slots.get(index).isUnconfirmed() || slots.get(index).allocated()) {
            return this;
        }
        SlotHolder holder = slots.get(index);
        SlotHolder allocated = new SlotHolder(sessionId, holder.userId(), holder.reservedAtMillis(), true,
                holder.loggedOn());
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis,
                slotList().replaced(index, allocated), claimedUser, revision + 1, reportedSessionIds, load);
    }

    /**
     * The broker's send of the reservation's allocation failed without Kafka's answer: it may have been stored.
     * The slot stays held, now released by {@link ReleaseRule}'s shorter in-doubt deadline once the feed proves
     * the allocation absent. A slot confirmed, already on {@code berth.allocations}, or gone is left as it is.
     */
    public HostEntry markInDoubt(String sessionId, long nowMillis) {
        int index = indexOf(sessionId);
        if (index < 0 || !slots.get(index).isUnconfirmed() || slots.get(index).allocated()
                || slots.get(index).isInDoubt()) {
            return this;
        }
        SlotHolder holder = slots.get(index);
        SlotHolder inDoubt = new SlotHolder(sessionId, holder.userId(), holder.reservedAtMillis(), false,
                holder.loggedOn(), Math.max(1L, nowMillis));
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis,
                slotList().replaced(index, inDoubt), claimedUser, revision + 1, reportedSessionIds, load);
    }

    /**
     * The session ended: its slot is free, and the last heartbeat's listing of it no longer counts (it predates
     * the end; a host that still lists it in its next heartbeat counts it again). Without that, a session that
     * ended between two heartbeats held a seat until the next one, and for as long as the heartbeat source is
     * silent. A personal claim stays (the host remains the user's).
     */
    public HostEntry endSession(String sessionId) {
        int index = indexOf(sessionId);
        boolean reported = reportedSessionIds.contains(sessionId);
        if (index < 0 && !reported) {
            return this;
        }
        List<String> stillReported = reported
                ? reportedSessionIds.stream().filter(id -> !id.equals(sessionId)).toList()
                : reportedSessionIds;
        return new HostEntry(hostId, poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis,
                index < 0 ? slotList() : slotList().without(index), claimedUser, revision + 1, stillReported, load);
    }

    /**
     * A reservation that will never become a session (Kafka refused the allocation, or it was never
     * confirmed within the pending timeout): frees the slot and drops the personal claim it made. A slot that
     * {@code berth.sessions} already confirmed, or whose allocation is on {@code berth.allocations}, is left
     * alone: that session exists.
     */
    public HostEntry abandonReservation(String sessionId) {
        int index = indexOf(sessionId);
        if (index < 0 || !slots.get(index).isUnconfirmed() || slots.get(index).allocated()) {
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
                revision + 1, reportedSessionIds, load);
    }

    private int indexOf(String sessionId) {
        return slotList().indexOfSession(sessionId);
    }

    /** The slots as the compact constructor keeps them (see {@link SlotList}). */
    private SlotList slotList() {
        return (SlotList) slots;
    }
}
