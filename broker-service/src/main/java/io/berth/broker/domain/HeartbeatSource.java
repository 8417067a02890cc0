package io.berth.broker.domain;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heartbeat source as a whole (the inventory publishing {@code berth.host-health}), told apart from single
 * hosts going quiet: the newest heartbeat of any host. When even that is older than a pool's staleness window,
 * the source is silent, not the hosts, and for a bounded time ({@code BERTH_DEGRADED_PLACEMENT_SECONDS})
 * freshness is measured against the moment it went silent: the hosts that were AVAILABLE and fresh then keep
 * taking sessions. Beyond that bound every host is stale again. Thread-safe.
 */
public final class HeartbeatSource {

    /** No degraded placement: freshness is always measured against now. */
    public static final HeartbeatSource STRICT = new HeartbeatSource(0);

    private final long degradedMillis;
    private final AtomicLong newestHeartbeatMillis = new AtomicLong();

    public HeartbeatSource(long degradedMillis) {
        this.degradedMillis = degradedMillis;
    }

    /** A host's heartbeat as applied to the caches. */
    public void heard(long heartbeatMillis) {
        if (heartbeatMillis > newestHeartbeatMillis.get()) {
            newestHeartbeatMillis.accumulateAndGet(heartbeatMillis, Math::max);
        }
    }

    public long newestHeartbeatMillis() {
        return newestHeartbeatMillis.get();
    }

    /** Whether the source is silent for a pool with this window and placement goes on from its last picture. */
    public boolean isDegraded(long nowMillis, long windowMillis) {
        long newest = newestHeartbeatMillis.get();
        long silentFor = nowMillis - newest;
        return newest > 0 && silentFor > windowMillis && silentFor <= windowMillis + degradedMillis;
    }

    /**
     * The moment a heartbeat's age is measured from: now while the source speaks (or after the bound), the
     * newest heartbeat while it is silent within the bound.
     */
    public long freshnessReference(long nowMillis, long windowMillis) {
        return isDegraded(nowMillis, windowMillis) ? newestHeartbeatMillis.get() : nowMillis;
    }
}
