package io.berth.broker.cache;

import io.berth.broker.domain.NodeStanding;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * This node's side of a partition of its broker cluster. Says once per transition that the node entered or left
 * a minority; on leaving one, waits until every cache settled (the majority's topology installed, the rebalance
 * over), repairs its copies, re-reads them into the local index, and only then places and feeds again. After
 * every change of the membership, once the caches settled, it also makes this node's copies equal to their
 * primary owners' (a member lost mid-write, or a merge, leaves copies that differ for good: {@link ReplicaRepair}
 * says why). Ticked once a second on the verticle's context.
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
    private final Counter replicasRepaired;
    /** The cluster view whose copies this node last repaired, and the ticks the caches settled since it changed. */
    private long repairedView = -1;
    private int viewSettledTicks;
    private boolean repairing;

    public PartitionWatch(Vertx vertx, BrokerCaches caches, LocalIndex index, Counter replicasRepaired) {
        this.vertx = vertx;
        this.caches = caches;
        this.index = index;
        this.replicasRepaired = replicasRepaired;
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
        watchMinority();
        watchReplicas();
    }

    private void watchMinority() {
        boolean minority = caches.isInMinority();
        if (minority != inMinority) {
            inMinority = minority;
            if (minority) {
                LOG.warn("Broker node is in a minority partition ({} of its cluster's members visible): it places no"
                        + " new session and leaves the feed to the majority until the partition heals",
                        caches.clusterSize());
                // Set now, not when the majority is back: the feed must not rejoin between the caches turning
                // available and this watch noticing it, while the merge's rebalance still runs.
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
        // Two settled ticks in a row: the merge's rebalance is over, not just begun.
        settledTicks = caches.isSettled() ? settledTicks + 1 : 0;
        if (settledTicks == 2) {
            long view = caches.clusterView();
            vertx.executeBlocking(() -> {
                // The merge kept this node's copies of keys the majority removed meanwhile: align them first.
                replicasRepaired.increment(caches.repairReplicas());
                index.resync(caches);
                return null;
            }, false).onComplete(done -> {
                if (done.failed()) {
                    settledTicks = 0;
                    LOG.warn("Could not re-read the merged caches; trying again", done.cause());
                    return;
                }
                merging = false;
                repairedView = view;
                LOG.info("Broker node merged ({} members): caches re-read, placing and feeding again",
                        caches.clusterSize());
            });
        }
    }

    private void watchReplicas() {
        long view = caches.clusterView();
        if (view == repairedView || repairing || merging || caches.isInMinority()) {
            viewSettledTicks = 0;
            return;
        }
        viewSettledTicks = caches.isSettled() ? viewSettledTicks + 1 : 0;
        if (viewSettledTicks < 2) {
            return;
        }
        repairing = true;
        vertx.executeBlocking(caches::repairReplicas, false).onComplete(done -> {
            repairing = false;
            viewSettledTicks = 0;
            if (done.failed()) {
                // A rebalance began meanwhile (the conflict manager refuses to compare during one): next tick.
                LOG.debug("Could not compare the cache copies yet; trying again", done.cause());
                return;
            }
            repairedView = view;
            replicasRepaired.increment(done.result());
            if (done.result() > 0) {
                LOG.warn("Repaired {} cache entries whose copy differed from their primary owner's after the cluster"
                        + " membership changed (view {})", done.result(), view);
            }
        });
    }
}
