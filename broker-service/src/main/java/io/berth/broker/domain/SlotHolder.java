package io.berth.broker.domain;

/**
 * One session holding a slot on a host. {@code reservedAtMillis} is non-zero while the slot is only
 * reserved by a broker and {@code berth.sessions} has not yet shown the session; zero once it has.
 * {@code allocated}: the reservation's allocation is on {@code berth.allocations} (durable), so the session
 * exists for the session service and only {@code berth.sessions} frees the slot (see {@link ReleaseRule}).
 * {@code loggedOn}: {@code berth.sessions} showed the session ACTIVE or DISCONNECTED, so the user's logon is
 * over and the slot no longer counts toward the pool's {@code maxConcurrentLogonsPerHost} (DESIGN.md 7.4).
 * {@code inDoubtSinceMillis}: non-zero once the broker's send of the allocation failed without Kafka's answer
 * (a timeout), so the allocation may still be on {@code berth.allocations}: the slot stays held until the feed
 * shows it there or proves it absent (see {@link ReleaseRule}).
 */
public record SlotHolder(String sessionId, String userId, long reservedAtMillis, boolean allocated,
                         boolean loggedOn, long inDoubtSinceMillis) {

    public SlotHolder(String sessionId, String userId, long reservedAtMillis, boolean allocated, boolean loggedOn) {
        this(sessionId, userId, reservedAtMillis, allocated, loggedOn, 0L);
    }

    /** A reservation ({@code reservedAtMillis} set) is a logon in progress; a confirmed slot a logged-on session. */
    public SlotHolder(String sessionId, String userId, long reservedAtMillis, boolean allocated) {
        this(sessionId, userId, reservedAtMillis, allocated, reservedAtMillis == 0);
    }

    public SlotHolder(String sessionId, String userId, long reservedAtMillis) {
        this(sessionId, userId, reservedAtMillis, false);
    }

    public boolean isUnconfirmed() {
        return reservedAtMillis != 0;
    }

    public boolean isInDoubt() {
        return inDoubtSinceMillis != 0;
    }

    /** A logon in progress: a reservation, or a session {@code berth.sessions} shows PENDING. */
    public boolean isPendingLogon() {
        return !loggedOn;
    }
}
