package io.berth.broker.domain;

/**
 * One session holding a slot on a host. {@code reservedAtMillis} is non-zero while the slot is only
 * reserved by a broker and {@code berth.sessions} has not yet shown the session; zero once it has.
 * {@code allocated}: the reservation's allocation is on {@code berth.allocations} (durable), so the session
 * exists for the session service and only {@code berth.sessions} frees the slot (see {@link ReleaseRule}).
 */
public record SlotHolder(String sessionId, String userId, long reservedAtMillis, boolean allocated) {

    public SlotHolder(String sessionId, String userId, long reservedAtMillis) {
        this(sessionId, userId, reservedAtMillis, false);
    }

    public boolean isUnconfirmed() {
        return reservedAtMillis != 0;
    }
}
