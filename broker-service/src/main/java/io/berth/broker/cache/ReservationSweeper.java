package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.ReleaseRule;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.SessionState;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Releases reservations whose allocation is provably not on {@code berth.allocations} ({@link ReleaseRule}):
 * their broker node died between reserving and publishing, or their send failed unanswered and was not stored,
 * so no session will ever free the slot. A reservation whose allocation is there is a session and waits for
 * {@code berth.sessions}, however late; one whose fate cannot be seen (Kafka or the feed behind) keeps its slot.
 * Only the cluster's coordinator sweeps (one sweeper per cluster, taken over by the next coordinator if it
 * leaves); releasing is the same atomic, idempotent operation on the host's entry.
 */
public final class ReservationSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ReservationSweeper.class);

    private final BrokerCaches caches;
    private final LocalIndex index;
    private final LongSupplier clock;
    private final Counter released;
    private final ReleaseRule rule;
    private final LongSupplier allocationsReadThrough;

    /**
     * @param allocationsReadThrough the moment by which the feed had applied all of {@code berth.allocations}
     */
    public ReservationSweeper(BrokerCaches caches, LocalIndex index, LongSupplier clock, Counter released,
                              ReleaseRule rule, LongSupplier allocationsReadThrough) {
        this.caches = caches;
        this.index = index;
        this.clock = clock;
        this.released = released;
        this.rule = rule;
        this.allocationsReadThrough = allocationsReadThrough;
    }

    public void sweep() {
        if (!caches.isCoordinator() || caches.isInMinority()) {
            return;
        }
        long now = clock.getAsLong();
        long readThrough = allocationsReadThrough.getAsLong();
        for (HostEntry host : index.hostsWithUnconfirmedReservations().values()) {
            long timeoutMillis = index.pool(host.poolId()).flatMap(PoolIndex::policy)
                    .map(PoolPolicy::pendingTimeoutMillis)
                    .orElse(io.berth.common.events.HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS * 1000L);
            for (SlotHolder holder : host.slots()) {
                if (rule.mayRelease(holder, timeoutMillis, readThrough, now)) {
                    release(host, holder);
                }
            }
        }
    }

    private void release(HostEntry host, SlotHolder holder) {
        LOG.info("Releasing reservation {} on {}: its allocation is not on berth.allocations {}",
                holder.sessionId(), host.hostId(), holder.isInDoubt()
                        ? "after its send failed unanswered and the request timeout passed"
                        : "after the delivery and pending timeouts");
        released.increment();
        caches.hosts().computeAsync(host.hostId(), SlotChange.abandon(holder.sessionId()))
                .thenCompose(after -> {
                    // Confirmed meanwhile (berth.sessions caught up): the session is real, its seat stays.
                    if ((after != null && after.holds(holder.sessionId())) || host.poolId() == null
                            || holder.userId() == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    String seatKey = UserSeat.key(host.poolId(), holder.userId());
                    return caches.seats().computeAsync(seatKey, SeatChange.sessionState(host.poolId(),
                                    holder.userId(), holder.sessionId(), host.hostId(), SessionState.ENDED))
                            .thenCompose(seat -> caches.seats().computeAsync(seatKey,
                                    SeatChange.abandon(host.poolId(), holder.userId(), holder.sessionId())));
                })
                .whenComplete((seat, error) -> {
                    if (error != null) {
                        LOG.warn("Could not release reservation {} on {}", holder.sessionId(), host.hostId(), error);
                    }
                });
    }
}
