package io.berth.broker.domain;

import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide, atomic operations a connect needs (the port the replicated caches implement). Each
 * completes with the entry as it is after the operation, so the caller sees whether it won.
 */
public interface SlotLedger {

    /** Claims the user's seat for {@code sessionId} if it is still at {@code expectedRevision} and unclaimed. */
    CompletionStage<UserSeat> claimSeat(String poolId, String userId, String sessionId, long expectedRevision);

    /** Adds the durable session to the seat and releases the claim. */
    CompletionStage<Void> completeSeat(String poolId, String userId, String sessionId, String hostId);

    CompletionStage<Void> abandonSeatClaim(String poolId, String userId, String sessionId);

    /**
     * Reserves a slot on the host within {@code limits} (see {@link HostEntry#reserve}); the result is null if the
     * host is gone.
     */
    CompletionStage<HostEntry> reserve(String hostId, String sessionId, String userId, SlotLimits limits,
                                       boolean personal);

    /** A reservation with the session limit only. */
    default CompletionStage<HostEntry> reserve(String hostId, String sessionId, String userId, int limit,
                                               boolean personal) {
        return reserve(hostId, sessionId, userId, SlotLimits.sessionsOnly(limit), personal);
    }

    CompletionStage<Void> abandonReservation(String hostId, String sessionId);

    /**
     * The allocation's send failed without Kafka's answer, so it may be stored: the reservation stays, marked in
     * doubt from now (see {@link HostEntry#markInDoubt}).
     */
    CompletionStage<Void> holdInDoubt(String hostId, String sessionId);
}
