package io.berth.broker.domain;

import java.util.Locale;

/**
 * Why a connect was answered 503: the {@code reason} tag of {@code berth_connect_requests_total} and the
 * cause its problem {@code detail} explains. Gateways and dashboards tell a full pool from a broker that
 * cannot place right now (a minority partition, Kafka unavailable, caches not caught up yet).
 */
public enum Refusal {
    /** No host of the pool has a free slot (or none takes new sessions). */
    FULL,
    /**
     * Every host that could take the session otherwise holds {@code maxConcurrentLogonsPerHost} logons in
     * progress (DESIGN.md 7.4): a short wait, until logons complete or time out.
     */
    LOGON_CAP,
    /** Every host with a free slot reported a load at or above the pool's thresholds (DESIGN.md 7.4). */
    LOAD,
    /** The pool has hosts, but none has heartbeated within its staleness window. */
    NO_FRESH_HEARTBEAT,
    /** This node cannot see a strict majority of the broker cluster's last stable membership. */
    MINORITY_PARTITION,
    /** Kafka did not acknowledge the allocation (or the start command) in time. */
    KAFKA_UNAVAILABLE,
    /** This node's caches have not caught up with Kafka yet. */
    NOT_READY,
    /** Another connect of the same user to the pool is still being decided. */
    CONNECT_IN_PROGRESS,
    /** The pool's bound on new AUTOMATIC personal assignments per minute on this node is used up. */
    ASSIGNMENT_RATE,
    /** The replicated caches did not complete a step (a node leaving mid-write, a timeout). */
    CLUSTER_UNAVAILABLE;

    /** The metric's tag value, e.g. {@code no_fresh_heartbeat}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
