package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.SlotLedger;
import io.berth.broker.domain.SlotLimits;
import io.berth.broker.domain.UserSeat;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The connect's atomic steps as {@code computeAsync} on the replicated caches: each function runs on the
 * entry's primary owner under the entry's lock and is replicated synchronously to every node before the stage
 * completes, so two nodes never both win the last slot of a host or the same personal host.
 */
public final class ReplicatedLedger implements SlotLedger {

    private final BrokerCaches caches;
    private final LongSupplier clock;
    private final Executor continuation;

    /**
     * @param continuation where the connect continues once an operation completes: a remote completion
     *                     arrives on an Infinispan thread, which must not run the rest of the connect
     */
    public ReplicatedLedger(BrokerCaches caches, LongSupplier clock, Executor continuation) {
        this.caches = caches;
        this.clock = clock;
        this.continuation = continuation;
    }

    public ReplicatedLedger(BrokerCaches caches, LongSupplier clock) {
        this(caches, clock, Runnable::run);
    }

    private <T> CompletionStage<T> resumed(CompletionStage<T> stage) {
        return stage.thenApplyAsync(value -> value, continuation);
    }

    @Override
    public CompletionStage<UserSeat> claimSeat(String poolId, String userId, String sessionId, long expectedRevision) {
        return resumed(caches.seats().computeAsync(UserSeat.key(poolId, userId),
                SeatChange.claim(poolId, userId, sessionId, expectedRevision, clock.getAsLong())));
    }

    @Override
    public CompletionStage<Void> completeSeat(String poolId, String userId, String sessionId, String hostId) {
        return resumed(caches.seats().computeAsync(UserSeat.key(poolId, userId),
                SeatChange.complete(poolId, userId, sessionId, hostId)).thenApply(seat -> null));
    }

    @Override
    public CompletionStage<Void> abandonSeatClaim(String poolId, String userId, String sessionId) {
        return resumed(caches.seats().computeAsync(UserSeat.key(poolId, userId),
                SeatChange.abandon(poolId, userId, sessionId)).thenApply(seat -> null));
    }

    @Override
    public CompletionStage<HostEntry> reserve(String hostId, String sessionId, String userId, SlotLimits limits,
                                              boolean personal) {
        return resumed(caches.hosts().computeAsync(hostId,
                new ReserveSlot(sessionId, userId, limits, personal, clock.getAsLong())));
    }

    @Override
    public CompletionStage<Void> abandonReservation(String hostId, String sessionId) {
        return resumed(caches.hosts().computeAsync(hostId, SlotChange.abandon(sessionId)).thenApply(host -> null));
    }

    @Override
    public CompletionStage<Void> holdInDoubt(String hostId, String sessionId) {
        return resumed(caches.hosts().computeAsync(hostId, SlotChange.inDoubt(sessionId, clock.getAsLong()))
                .thenApply(host -> null));
    }
}
