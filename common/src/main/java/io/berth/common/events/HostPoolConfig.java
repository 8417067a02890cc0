package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A host pool as published on {@code berth.config} under key {@code pool/{poolId}} and answered by the
 * admin API. The logon cap, load thresholds and session limits are DESIGN.md 7.4 and 7.5; 0 means no limit.
 */
public record HostPoolConfig(int v, String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                             PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                             int pendingTimeoutSeconds, int maxConcurrentLogonsPerHost,
                             @JsonInclude(JsonInclude.Include.ALWAYS) LoadThresholds loadThresholds,
                             int disconnectedTimeoutMinutes, int maxSessionMinutes, int limitWarningMinutes)
        implements Event {

    public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
    public static final int DEFAULT_PENDING_TIMEOUT_SECONDS = 60;
    public static final int DEFAULT_LIMIT_WARNING_MINUTES = 5;

    public HostPoolConfig {
        v = v == 0 ? CURRENT_VERSION : v;
        heartbeatSeconds = heartbeatSeconds == 0 ? DEFAULT_HEARTBEAT_SECONDS : heartbeatSeconds;
        pendingTimeoutSeconds = pendingTimeoutSeconds == 0 ? DEFAULT_PENDING_TIMEOUT_SECONDS : pendingTimeoutSeconds;
        limitWarningMinutes = limitWarningMinutes == 0 ? DEFAULT_LIMIT_WARNING_MINUTES : limitWarningMinutes;
    }

    /** A pool with no logon cap, load thresholds or session limits (sections 4 and 5 of DESIGN.md). */
    public HostPoolConfig(int v, String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                          PersonalAssignment personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                          int pendingTimeoutSeconds) {
        this(v, poolId, type, loadBalancer, maxSessionsPerHost, personalAssignment, startVmOnConnect, heartbeatSeconds,
                pendingTimeoutSeconds, 0, null, 0, 0, 0);
    }
}
