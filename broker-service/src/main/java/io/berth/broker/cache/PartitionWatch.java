package io.berth.broker.cache;

import io.berth.broker.domain.NodeStanding;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * This node's side of a partition of its broker cluster. Says once per transition that the node entered or left
 * a minority; on leaving one, waits until every cache settled (conflicts resolved: the majority's copy won),
 * re-reads them into the local index, and only then lets the node place and feed again. Ticked once a second on
 * the verticle's context.
 */
public final class PartitionWatch {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionWatch.class);

    private final Vertx vertx;
    private final BrokerCaches caches;
    private final LocalIndex index;
    private boolean inMinority;
    /**
     * Entered a minority, and the merge that ends it has not settled yet: placing nothing and not feeding until the
     * caches have resolved their conflicts and this node has re-read them (volatile: the feed thread reads it).
     */
    private volatile boolean merging;
    private int settledTicks;

    public PartitionWatch(Vertx vertx, BrokerCaches caches, LocalIndex index) {
        this.vertx = vertx;
        this.caches = caches;
        this.index = index;
    }

    /** Whether this node may apply its feed: it sees a majority and its caches have merged. */
    public boolean mayFeed() {
        return !caches.isInMinority() && !merging;
    }

    /** Whether the local index may be trusted for releasing reservations (not while a merge is re-read). */
    public boolean isMerged() {
        return !merging;
    }

    /** What the connect flow needs to know of this node: ready when {@code caughtUp}, placing when merged. */
    public NodeStanding standing(BooleanSupplier caughtUp) {
        return new NodeStanding() {
            @Override
            public boolean isCaughtUp() {
                return caughtUp.getAsBoolean();
            }

            @Override
            public boolean isInMinority() {
                return merging || caches.isInMinority();
            }

            @Override
            public long clusterView() {
                return caches.clusterView();
            }
        };
    }

    /** The readiness note while this node is in a minority. */
    public Optional<String> readinessNote() {
        return caches.isInMinority()
                ? Optional.of("minority: this node sees no strict majority of its cluster; it places no new session"
                + " and leaves the feed to the majority") : Optional.empty();
    }

    public void tick() {
        boolean minority = caches.isInMinority();
        if (minority != inMinority) {
            inMinority = minority;
            if (minority) {
                LOG.warn("Broker node is in a minority partition ({} of its cluster's members visible): it places no"
                        + " new session and leaves the feed to the majority until the partition heals",
                        caches.clusterSize());
                // Set now, not when the majority is back: the feed must not rejoin between the caches turning
                // available and this watch noticing it, while the merge's conflict resolution still runs.
                merging = true;
                return;
            }
            LOG.info("Broker node sees a majority again ({} members): waiting for the caches to merge",
                    caches.clusterSize());
            settledTicks = 0;
        }
        if (!merging) {
            return;
        }
        // Two settled ticks in a row: the merge's conflict resolution and rebalance are over, not just begun.
        settledTicks = caches.isSettled() ? settledTicks + 1 : 0;
        if (settledTicks == 2) {
            vertx.executeBlocking(() -> {
                index.resync(caches);
                return null;
            }, false).onComplete(done -> {
                if (done.failed()) {
                    settledTicks = 0;
                    LOG.warn("Could not re-read the merged caches; trying again", done.cause());
                    return;
                }
                merging = false;
                LOG.info("Broker node merged ({} members): caches re-read, placing and feeding again",
                        caches.clusterSize());
            });
        }
    }
}
