package io.berth.broker.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

import java.util.Objects;

/**
 * The rules of one host pool that placement applies: its type, balancing, limits, and timings. The logon cap
 * ({@code maxConcurrentLogonsPerHost}, 0 = none) and the load thresholds (null = none) are DESIGN.md 7.4.
 */
public record PoolPolicy(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                         PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                         int pendingTimeoutSeconds, int maxConcurrentLogonsPerHost, LoadThresholds loadThresholds) {

    public PoolPolicy {
        loadBalancer = loadBalancer == null ? LoadBalancer.BREADTH_FIRST : loadBalancer;
        personalAssignment = personalAssignment == null ? PersonalAssignment.AUTOMATIC : personalAssignment;
        heartbeatSeconds = heartbeatSeconds <= 0 ? HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS : heartbeatSeconds;
        pendingTimeoutSeconds = pendingTimeoutSeconds <= 0
                ? HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS : pendingTimeoutSeconds;
        maxConcurrentLogonsPerHost = Math.max(0, maxConcurrentLogonsPerHost);
        // Thresholds that name no limit are none: one shape for "not used", so pools compare equal.
        loadThresholds = loadThresholds == null || (loadThresholds.cpuPct() == null
                && loadThresholds.memoryPct() == null) ? null : loadThresholds;
    }

    /** A pool without a logon cap or load thresholds. */
    public PoolPolicy(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                      PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                      int pendingTimeoutSeconds) {
        this(poolId, type, loadBalancer, maxSessionsPerHost, personalAssignment, startVmOnConnect, heartbeatSeconds,
                pendingTimeoutSeconds, 0, null);
    }

    public static PoolPolicy of(HostPoolConfig config) {
        return new PoolPolicy(config.poolId(), config.type(), config.loadBalancer(), config.maxSessionsPerHost(),
                config.personalAssignment(), config.startVmOnConnect(), config.heartbeatSeconds(),
                config.pendingTimeoutSeconds(), config.maxConcurrentLogonsPerHost(), config.loadThresholds());
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

    /** Whether placing in this pool changes how hosts are indexed (type, balancing, limits differ). */
    boolean indexesLike(PoolPolicy other) {
        return other != null && type == other.type && loadBalancer == other.loadBalancer
                && maxSessionsPerHost == other.maxSessionsPerHost && heartbeatSeconds == other.heartbeatSeconds
                && personalAssignment == other.personalAssignment
                && maxConcurrentLogonsPerHost == other.maxConcurrentLogonsPerHost
                && Objects.equals(loadThresholds, other.loadThresholds);
    }
}
