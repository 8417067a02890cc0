package io.berth.broker.domain;

/**
 * When a reservation may be freed without {@code berth.sessions}: only when its allocation is provably not on
 * {@code berth.allocations}. A reservation whose allocation is there is a session (the session service will
 * report it, perhaps late); one whose fate cannot be seen yet (Kafka or the feed behind) keeps its slot.
 *
 * <p>Provably absent: the feed has read {@code berth.allocations} to its end at a moment (its read-through
 * time) later than the reservation's time plus the producer's delivery timeout (after which a send that was
 * not acknowledged has failed, and the connect released the reservation itself), plus the pool's pending
 * timeout, plus a margin for clocks of different nodes. Still not marked allocated then, the broker that
 * reserved it died before publishing.
 */
public record ReleaseRule(long deliveryTimeoutMillis, long marginMillis) {

    /** The moment after which the reservation's allocation, if it was ever written, is on the topic. */
    public long deadline(SlotHolder holder, long pendingTimeoutMillis) {
        return holder.reservedAtMillis() + deliveryTimeoutMillis + pendingTimeoutMillis + marginMillis;
    }

    /**
     * @param allocationsReadThroughMillis the latest moment at which the feed had read every partition of
     *                                     {@code berth.allocations} to its end (0 when unknown)
     */
    public boolean mayRelease(SlotHolder holder, long pendingTimeoutMillis, long allocationsReadThroughMillis,
                              long nowMillis) {
        if (!holder.isUnconfirmed() || holder.allocated()) {
            return false;
        }
        long deadline = deadline(holder, pendingTimeoutMillis);
        return nowMillis >= deadline && allocationsReadThroughMillis >= deadline;
    }
}
