package io.berth.broker.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

/** The rules of one host pool that placement applies: its type, balancing, limit, and timings. */
public record PoolPolicy(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                         PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                         int pendingTimeoutSeconds) {

    public PoolPolicy {
        loadBalancer = loadBalancer == null ? LoadBalancer.BREADTH_FIRST : loadBalancer;
        personalAssignment = personalAssignment == null ? PersonalAssignment.AUTOMATIC : personalAssignment;
        heartbeatSeconds = heartbeatSeconds <= 0 ? HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS : heartbeatSeconds;
        pendingTimeoutSeconds = pendingTimeoutSeconds <= 0
                ? HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS : pendingTimeoutSeconds;
    }

    public static PoolPolicy of(HostPoolConfig config) {
        return new PoolPolicy(config.poolId(), config.type(), config.loadBalancer(), config.maxSessionsPerHost(),
                config.personalAssignment(), config.startVmOnConnect(), config.heartbeatSeconds(),
                config.pendingTimeoutSeconds());
    }

    public boolean isPersonal() {
        return type == PoolType.PERSONAL;
    }

    /** A heartbeat older than three intervals is stale: the host gets no new sessions until it heartbeats. */
    public long heartbeatFreshnessMillis() {
        return 3L * heartbeatSeconds * 1000L;
    }

    public long pendingTimeoutMillis() {
        return pendingTimeoutSeconds * 1000L;
    }

    /** Whether placing in this pool changes how hosts are indexed (type, balancing or limit differ). */
    boolean indexesLike(PoolPolicy other) {
        return other != null && type == other.type && loadBalancer == other.loadBalancer
                && maxSessionsPerHost == other.maxSessionsPerHost && heartbeatSeconds == other.heartbeatSeconds
                && personalAssignment == other.personalAssignment;
    }
}
