package io.berth.broker.cache;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Says once per transition that the heartbeat source (the inventory) went silent, so the node places on the
 * hosts that were AVAILABLE and fresh then, or spoke again. Entering degraded placement re-indexes the hosts
 * that left the index as stale meanwhile. Ticked once a second on the verticle's context.
 */
public final class HeartbeatSilenceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSilenceWatch.class);

    private final Vertx vertx;
    private final LocalIndex index;
    private final Duration bound;
    private volatile boolean placingDegraded;

    /** @param bound how long placement may go on on last-known hosts (BERTH_DEGRADED_PLACEMENT_SECONDS) */
    public HeartbeatSilenceWatch(Vertx vertx, LocalIndex index, Duration bound) {
        this.vertx = vertx;
        this.index = index;
        this.bound = bound;
    }

    public boolean isPlacingDegraded() {
        return placingDegraded;
    }

    /** The readiness note while placement is degraded. */
    public Optional<String> readinessNote() {
        return placingDegraded ? Optional.of("degraded: no heartbeat has arrived for longer than the staleness"
                + " window (is the inventory down?); placing on the hosts that were AVAILABLE and fresh when it went"
                + " silent, for at most " + bound.toSeconds() + " s") : Optional.empty();
    }

    public void tick() {
        boolean degraded = index.isPlacingDegraded();
        if (degraded == placingDegraded) {
            return;
        }
        placingDegraded = degraded;
        if (degraded) {
            LOG.warn("No host heartbeat applied since {}: the heartbeat source (inventory) is silent; placing on the"
                    + " hosts that were AVAILABLE and fresh then, for at most {} s",
                    Instant.ofEpochMilli(index.heartbeatSource().newestHeartbeatMillis()), bound.toSeconds());
            vertx.executeBlocking(() -> {
                index.reindex();
                return null;
            }, false);
        } else {
            LOG.warn("Degraded placement ended: heartbeats arrive again, or its bound of {} s has passed (then no"
                    + " host is fresh: connects answer 503 no_fresh_heartbeat)", bound.toSeconds());
        }
    }
}
