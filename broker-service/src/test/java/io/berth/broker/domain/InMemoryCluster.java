package io.berth.broker.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The replicated caches of a broker cluster, in memory: atomic per-entry operations (as the cache's compute
 * on the entry's owner) and the pool indexes kept in step with every host change, as the cache listeners do.
 */
final class InMemoryCluster implements PlacementView, SlotLedger, AllocationLog {

    final Map<String, AppGroupAccess> appGroups = new ConcurrentHashMap<>();
    final Map<String, PoolIndex> pools = new ConcurrentHashMap<>();
    final Map<String, HostEntry> hosts = new ConcurrentHashMap<>();
    final Map<String, UserSeat> seats = new ConcurrentHashMap<>();
    final List<Allocation> allocations = new CopyOnWriteArrayList<>();
    final List<String> startCommands = new CopyOnWriteArrayList<>();
    /** The send fails without Kafka's answer: the allocation may or may not be stored. */
    volatile boolean kafkaRefuses;
    /** The send is refused before anything reaches Kafka (the producer throws). */
    volatile boolean producerThrows;
    private final LongSupplier clock;

    InMemoryCluster(LongSupplier clock) {
        this.clock = clock;
    }

    void pool(PoolPolicy policy) {
        index(policy.poolId()).configure(policy);
    }

    void appGroup(AppGroupAccess appGroup) {
        appGroups.put(appGroup.appGroupId(), appGroup);
    }

    void host(HostEntry host) {
        hosts.put(host.hostId(), host);
        indexed(host);
    }

    /** The host's entry changed by {@code change}, as a feed's compute does (and the index follows). */
    void change(String hostId, UnaryOperator<HostEntry> change) {
        hosts.computeIfPresent(hostId, (id, current) -> {
            HostEntry next = change.apply(current);
            indexed(next);
            return next;
        });
    }

    void seat(UserSeat seat) {
        seats.put(seat.key(), seat);
    }

    @Override
    public Optional<AppGroupAccess> appGroup(String appGroupId) {
        return Optional.ofNullable(appGroups.get(appGroupId));
    }

    @Override
    public Optional<PoolIndex> pool(String poolId) {
        return Optional.ofNullable(pools.get(poolId));
    }

    @Override
    public Optional<UserSeat> seat(String poolId, String userId) {
        return Optional.ofNullable(seats.get(UserSeat.key(poolId, userId)));
    }

    @Override
    public CompletionStage<UserSeat> claimSeat(String poolId, String userId, String sessionId, long expectedRevision) {
        UserSeat seat = seats.compute(UserSeat.key(poolId, userId), (key, current) ->
                (current == null ? UserSeat.empty(poolId, userId) : current)
                        .claim(sessionId, expectedRevision, clock.getAsLong(), HostPlacement.SEAT_CLAIM_TTL_MILLIS));
        return CompletableFuture.completedFuture(seat);
    }

    @Override
    public CompletionStage<Void> completeSeat(String poolId, String userId, String sessionId, String hostId) {
        seats.compute(UserSeat.key(poolId, userId), (key, current) ->
                (current == null ? UserSeat.empty(poolId, userId) : current).completeClaim(sessionId, hostId));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> abandonSeatClaim(String poolId, String userId, String sessionId) {
        seats.computeIfPresent(UserSeat.key(poolId, userId), (key, current) -> {
            UserSeat next = current.abandonClaim(sessionId);
            return next.isVacant() ? null : next;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<HostEntry> reserve(String hostId, String sessionId, String userId, SlotLimits limits,
                                              boolean personal) {
        HostEntry after = hosts.computeIfPresent(hostId, (id, current) -> {
            HostEntry next = current.reserve(sessionId, userId, limits, personal, clock.getAsLong());
            indexed(next);
            return next;
        });
        return CompletableFuture.completedFuture(after);
    }

    @Override
    public CompletionStage<Void> abandonReservation(String hostId, String sessionId) {
        hosts.computeIfPresent(hostId, (id, current) -> {
            HostEntry next = current.abandonReservation(sessionId);
            indexed(next);
            return next;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> holdInDoubt(String hostId, String sessionId) {
        hosts.computeIfPresent(hostId, (id, current) -> {
            HostEntry next = current.markInDoubt(sessionId, clock.getAsLong());
            indexed(next);
            return next;
        });
        return CompletableFuture.completedFuture(null);
    }

    private void indexed(HostEntry entry) {
        index(entry.poolId()).upsert(entry);
    }

    private PoolIndex index(String poolId) {
        return pools.computeIfAbsent(poolId, id -> new PoolIndex(id, clock));
    }

    @Override
    public CompletionStage<Void> allocated(Allocation allocation) {
        if (producerThrows) {
            throw new IllegalStateException("producer closed");
        }
        if (kafkaRefuses) {
            return CompletableFuture.failedFuture(new IllegalStateException("expiring 1 record(s): timed out"));
        }
        allocations.add(allocation);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> startRequested(String hostId) {
        startCommands.add(hostId);
        return CompletableFuture.completedFuture(null);
    }
}
