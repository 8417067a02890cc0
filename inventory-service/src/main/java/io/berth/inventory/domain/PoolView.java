package io.berth.inventory.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

/** A host pool as the admin API answers it: the request's fields plus {@code poolId}. */
public record PoolView(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                       PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                       int pendingTimeoutSeconds) {

    public static PoolView of(HostPoolConfig pool) {
        return new PoolView(pool.poolId(), pool.type(), pool.loadBalancer(), pool.maxSessionsPerHost(),
                pool.personalAssignment(), pool.startVmOnConnect(), pool.heartbeatSeconds(),
                pool.pendingTimeoutSeconds());
    }
}
