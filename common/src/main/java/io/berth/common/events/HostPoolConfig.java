package io.berth.common.events;

/**
 * A host pool as published on {@code berth.config} under key {@code pool/{poolId}} and answered by the
 * admin API.
 */
public record HostPoolConfig(int v, String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                             PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                             int pendingTimeoutSeconds) implements Event {

    public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
    public static final int DEFAULT_PENDING_TIMEOUT_SECONDS = 60;

    public HostPoolConfig {
        v = v == 0 ? CURRENT_VERSION : v;
        heartbeatSeconds = heartbeatSeconds == 0 ? DEFAULT_HEARTBEAT_SECONDS : heartbeatSeconds;
        pendingTimeoutSeconds = pendingTimeoutSeconds == 0 ? DEFAULT_PENDING_TIMEOUT_SECONDS : pendingTimeoutSeconds;
    }
}
