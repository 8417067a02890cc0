package io.berth.inventory.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

/**
 * A host pool as the admin API answers it: the request's fields plus {@code poolId}, with the logon cap, load
 * thresholds (null when none) and session limits of DESIGN.md 7.4 and 7.5 at their defaults when not given.
 */
public record PoolView(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                       PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                       int pendingTimeoutSeconds, int maxConcurrentLogonsPerHost,
                       LoadThresholds loadThresholds,
                       int disconnectedTimeoutMinutes, int maxSessionMinutes, int limitWarningMinutes) {

    public static PoolView of(HostPoolConfig pool) {
        return new PoolView(pool.poolId(), pool.type(), pool.loadBalancer(), pool.maxSessionsPerHost(),
                pool.personalAssignment(), pool.startVmOnConnect(), pool.heartbeatSeconds(),
                pool.pendingTimeoutSeconds(), pool.maxConcurrentLogonsPerHost(), pool.loadThresholds(),
                pool.disconnectedTimeoutMinutes(), pool.maxSessionMinutes(), pool.limitWarningMinutes());
    }
}
