package io.berth.broker.domain;

/**
 * One session holding a slot on a host. {@code reservedAtMillis} is non-zero while the slot is only
 * reserved by a broker and {@code berth.sessions} has not yet shown the session; zero once it has.
 */
public record SlotHolder(String sessionId, String userId, long reservedAtMillis) {

    public boolean isUnconfirmed() {
        return reservedAtMillis != 0;
    }
}
