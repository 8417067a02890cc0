package io.berth.broker.domain;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Carries out a connect: decide locally, then, to allocate, claim the user's seat, reserve a slot on the best
 * candidate (the next one when another broker took the last slot first), make the allocation durable, and
 * only then answer. Whatever fails after a reservation releases it, so no slot leaks on a refused answer,
 * except a send Kafka may yet have stored: that slot stays held until the allocation's fate is known.
 */
public final class ConnectFlow {

    /** How long a connect waits for another in-flight connect of the same user before answering 503. */
    static final int MAX_ROUNDS = 60;
    static final long ROUND_DELAY_MILLIS = 50;

    /** Observes conflicts and failures for metrics and logs. */
    public interface Observer {
        void reservationConflict(String hostId);

        void failure(String what, Throwable cause);

        Observer NONE = new Observer() {
            @Override
            public void reservationConflict(String hostId) {
            }

            @Override
            public void failure(String what, Throwable cause) {
            }
        };
    }

    private final HostPlacement placement;
    private final SlotLedger ledger;
    private final AllocationLog log;
    private final Supplier<String> sessionIds;
    private final Observer observer;
    private final Executor roundDelay;
    private final NodeStanding standing;

    public ConnectFlow(HostPlacement placement, SlotLedger ledger, AllocationLog log, Supplier<String> sessionIds,
                       Observer observer) {
        this(placement, ledger, log, sessionIds, observer, NodeStanding.ALWAYS);
    }

    public ConnectFlow(HostPlacement placement, SlotLedger ledger, AllocationLog log, Supplier<String> sessionIds,
                       Observer observer, NodeStanding standing) {
        this.standing = standing;
        this.placement = placement;
        this.ledger = ledger;
        this.log = log;
        this.sessionIds = sessionIds;
        this.observer = observer;
        this.roundDelay = CompletableFuture.delayedExecutor(ROUND_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    public CompletionStage<ConnectOutcome> connect(ConnectRequest request) {
        return attempt(request, 0);
    }

    private CompletionStage<ConnectOutcome> attempt(ConnectRequest request, int round) {
        if (!standing.isCaughtUp()) {
            return done(new ConnectOutcome.Failed("this broker node is not ready: its caches have not caught up"
                    + " with Kafka yet", 1, Refusal.NOT_READY));
        }
        Decision decision;
        try {
            decision = placement.decide(request);
        } catch (RuntimeException e) {
            observer.failure("placement", e);
            return done(new ConnectOutcome.Failed("placement failed: " + e.getMessage(), 1));
        }
        if (decision instanceof Decision.Answer answer) {
            return done(answer.outcome());
        }
        if (standing.isInMinority()) {
            return done(minority());
        }
        if (decision instanceof Decision.StartHost start) {
            return log.startRequested(start.hostId()).handle((ok, error) -> {
                if (error != null) {
                    observer.failure("start command for " + start.hostId(), error);
                    return new ConnectOutcome.Failed("Kafka is unavailable: could not send the start command for"
                            + " host " + start.hostId(), HostPlacement.NO_CAPACITY_RETRY_AFTER_SECONDS,
                            Refusal.KAFKA_UNAVAILABLE);
                }
                return new ConnectOutcome.Starting(start.hostId(), start.retryAfterSeconds());
            });
        }
        if (decision instanceof Decision.AwaitOtherConnect) {
            return nextRound(request, round);
        }
        Decision.Allocate allocate = (Decision.Allocate) decision;
        long view = standing.clusterView();
        String sessionId = sessionIds.get();
        String poolId = allocate.pool().poolId();
        return ledger.claimSeat(poolId, request.userId(), sessionId, allocate.seatRevision())
                .handle((seat, error) -> {
                    if (error != null) {
                        // The claim may have been applied before the failure: give it back to be sure.
                        observer.failure("seat claim of " + request.userId(), error);
                        return ledger.abandonSeatClaim(poolId, request.userId(), sessionId).handle((ok, ignored) ->
                                clusterFailure("the broker cluster could not complete the connect"));
                    }
                    return seat != null && seat.isClaimedBy(sessionId)
                            ? reserveOnCandidates(allocate, sessionId, view)
                            : nextRound(request, round);
                })
                .thenCompose(stage -> stage)
                .exceptionally(error -> {
                    observer.failure("connect of " + request.userId(), error);
                    return clusterFailure("the broker cluster could not complete the connect");
                });
    }

    private CompletionStage<ConnectOutcome> nextRound(ConnectRequest request, int round) {
        if (round >= MAX_ROUNDS) {
            return done(new ConnectOutcome.NoCapacity("another connect of user " + request.userId()
                    + " to this pool is still in progress", 1, Refusal.CONNECT_IN_PROGRESS));
        }
        return CompletableFuture.supplyAsync(() -> null, roundDelay)
                .thenCompose(ignored -> attempt(request, round + 1));
    }

    private CompletionStage<ConnectOutcome> reserveOnCandidates(Decision.Allocate allocate, String sessionId,
                                                                long view) {
        var candidate = allocate.candidates().next();
        String poolId = allocate.pool().poolId();
        if (candidate.isEmpty()) {
            return ledger.abandonSeatClaim(poolId, allocate.userId(), sessionId)
                    .handle((ok, error) -> allocate.whenExhausted());
        }
        String hostId = candidate.get().hostId();
        return ledger.reserve(hostId, sessionId, allocate.userId(), SlotLimits.of(allocate.pool()),
                        allocate.personal())
                .handle((entry, error) -> {
                    if (error != null) {
                        // The reservation may have been applied before the failure: release it to be sure.
                        observer.failure("reservation on " + hostId, error);
                        return releaseAll(allocate, hostId, sessionId)
                                .thenApply(ignored -> clusterFailure("the broker cluster could not reserve a slot"));
                    }
                    if (entry != null && entry.holds(sessionId)) {
                        if (standing.clusterView() != view) {
                            // Nothing is published: the reservation may stand on this side of a split only.
                            return releaseAll(allocate, hostId, sessionId).thenApply(ignored -> clusterFailure(
                                    "the broker cluster's membership changed during the connect"));
                        }
                        return publish(allocate, hostId, sessionId);
                    }
                    observer.reservationConflict(hostId);
                    return reserveOnCandidates(allocate, sessionId, view);
                })
                .thenCompose(stage -> stage);
    }

    private CompletionStage<ConnectOutcome> publish(Decision.Allocate allocate, String hostId, String sessionId) {
        String poolId = allocate.pool().poolId();
        Allocation allocation = new Allocation(sessionId, allocate.userId(), poolId, hostId, allocate.appGroupId());
        CompletionStage<Void> durable;
        try {
            durable = log.allocated(allocation);
        } catch (RuntimeException e) {
            // Refused before anything was sent: certainly not stored.
            observer.failure("allocation " + sessionId + " to Kafka", e);
            return releaseAll(allocate, hostId, sessionId).thenApply(ignored -> new ConnectOutcome.Failed(
                    "Kafka is unavailable: the allocation could not be stored durably; nothing was allocated",
                    HostPlacement.NO_CAPACITY_RETRY_AFTER_SECONDS, Refusal.KAFKA_UNAVAILABLE));
        }
        return durable.handle((ok, error) -> {
            if (error != null) {
                return inDoubt(allocate, hostId, sessionId, error);
            }
            ConnectOutcome placed = new ConnectOutcome.Placed(sessionId, hostId, poolId);
            // The allocation is durable: the answer stands even if the seat update fails (berth.sessions
            // brings the session into the seat anyway, and the claim expires).
            return ledger.completeSeat(poolId, allocate.userId(), sessionId, hostId).handle((done, seatError) -> {
                if (seatError != null) {
                    observer.failure("seat of " + allocate.userId(), seatError);
                }
                return placed;
            });
        }).thenCompose(stage -> stage);
    }

    /**
     * The send failed without Kafka's answer (a timeout): the record may still have been, or yet be, appended.
     * Releasing the slot now would let another connect take it while that session exists, so the reservation
     * and the user's seat claim stay; the sweeper frees them once the feed proves the allocation absent, and the
     * session service ends it (pending timeout) if it was stored.
     */
    private CompletionStage<ConnectOutcome> inDoubt(Decision.Allocate allocate, String hostId, String sessionId,
                                                    Throwable error) {
        observer.failure("allocation " + sessionId + " to Kafka", error);
        return ledger.holdInDoubt(hostId, sessionId).handle((ok, markError) -> {
            if (markError != null) {
                // Unmarked, the reservation still stands: it is freed at the longer unconfirmed deadline.
                observer.failure("in-doubt mark of " + sessionId, markError);
            }
            return new ConnectOutcome.Failed("Kafka is unavailable: it did not acknowledge the allocation in time;"
                    + " its slot stays held until it is known whether the allocation was stored",
                    HostPlacement.NO_CAPACITY_RETRY_AFTER_SECONDS, Refusal.KAFKA_UNAVAILABLE);
        });
    }

    private CompletionStage<Void> releaseAll(Decision.Allocate allocate, String hostId, String sessionId) {
        return ledger.abandonReservation(hostId, sessionId)
                .handle((ok, error) -> error)
                .thenCompose(ignored -> ledger.abandonSeatClaim(allocate.pool().poolId(), allocate.userId(), sessionId))
                .handle((ok, error) -> {
                    if (error != null) {
                        observer.failure("release of " + sessionId, error);
                    }
                    return null;
                });
    }

    /**
     * A cache step failed. When this node has meanwhile found itself in a minority, that is the reason (the
     * write was refused, or timed out in the suspicion window before the split was detected): no allocation.
     */
    private ConnectOutcome clusterFailure(String what) {
        return standing.isInMinority() ? minority()
                : new ConnectOutcome.Failed(what, 1, Refusal.CLUSTER_UNAVAILABLE);
    }

    private static ConnectOutcome minority() {
        return new ConnectOutcome.NoCapacity("this broker node is in a minority partition of its cluster and places"
                + " no new session; retry (another node can answer)", HostPlacement.NO_CAPACITY_RETRY_AFTER_SECONDS,
                Refusal.MINORITY_PARTITION);
    }

    private static CompletionStage<ConnectOutcome> done(ConnectOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
