package io.berth.broker.domain;

/**
 * When a reservation may be freed without {@code berth.sessions}: only when its allocation is provably not on
 * {@code berth.allocations}. A reservation whose allocation is there is a session (the session service will
 * report it, perhaps late); one whose fate cannot be seen yet (Kafka or the feed behind) keeps its slot.
 *
 * <p>Provably absent: the feed has read {@code berth.allocations} to its end at a moment (its read-through
 * time) past the reservation's deadline. For a reservation whose broker died before publishing, that is the
 * reservation's time plus the producer's delivery timeout (after which its send, if any, has failed), plus the
 * pool's pending timeout, plus a margin for clocks of different nodes. For one whose send failed without
 * Kafka's answer ({@link SlotHolder#isInDoubt()}), the moment of the failure is known, and the deadline is that
 * moment plus {@code lateAppendMillis} (the producer's request timeout) plus the margin. The bound assumed: a
 * request Kafka had received when the producer gave up is appended within the time Kafka is given to answer any
 * request. In the late append that showed the need (fault suite, {@code inventory-down}), the record was on the topic
 * before the broker even saw its send fail.
 */
public record ReleaseRule(long deliveryTimeoutMillis, long lateAppendMillis, long marginMillis) {

    /** The moment after which the reservation's allocation, if it was ever written, is on the topic. */
    public long deadline(SlotHolder holder, long pendingTimeoutMillis) {
        return holder.isInDoubt()
                ? holder.inDoubtSinceMillis() + lateAppendMillis + marginMillis
                : holder.reservedAtMillis() + deliveryTimeoutMillis + pendingTimeoutMillis + marginMillis;
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
