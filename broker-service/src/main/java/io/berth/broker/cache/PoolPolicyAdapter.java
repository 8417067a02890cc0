package io.berth.broker.cache;

import io.berth.broker.domain.PoolPolicy;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of {@link PoolPolicy}; a load threshold of 0 is none (the pool's are 1..100). */
@ProtoAdapter(PoolPolicy.class)
public final class PoolPolicyAdapter {

    @ProtoFactory
    PoolPolicy create(String poolId, String type, String loadBalancer, int maxSessionsPerHost,
                      String personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                      int pendingTimeoutSeconds, int maxConcurrentLogonsPerHost, int cpuPctThreshold,
                      int memoryPctThreshold) {
        return new PoolPolicy(poolId, PoolType.valueOf(type),
                loadBalancer == null ? null : LoadBalancer.valueOf(loadBalancer), maxSessionsPerHost,
                personalAssignment == null ? null : PersonalAssignment.valueOf(personalAssignment), startVmOnConnect,
                heartbeatSeconds, pendingTimeoutSeconds, maxConcurrentLogonsPerHost, new LoadThresholds(
                cpuPctThreshold == 0 ? null : cpuPctThreshold, memoryPctThreshold == 0 ? null : memoryPctThreshold));
    }

    @ProtoField(1)
    String getPoolId(PoolPolicy pool) {
        return pool.poolId();
    }

    @ProtoField(2)
    String getType(PoolPolicy pool) {
        return pool.type().name();
    }

    @ProtoField(3)
    String getLoadBalancer(PoolPolicy pool) {
        return pool.loadBalancer().name();
    }

    @ProtoField(number = 4, defaultValue = "0")
    int getMaxSessionsPerHost(PoolPolicy pool) {
        return pool.maxSessionsPerHost();
    }

    @ProtoField(5)
    String getPersonalAssignment(PoolPolicy pool) {
        return pool.personalAssignment().name();
    }

    @ProtoField(number = 6, defaultValue = "false")
    boolean getStartVmOnConnect(PoolPolicy pool) {
        return pool.startVmOnConnect();
    }

    @ProtoField(number = 7, defaultValue = "0")
    int getHeartbeatSeconds(PoolPolicy pool) {
        return pool.heartbeatSeconds();
    }

    @ProtoField(number = 8, defaultValue = "0")
    int getPendingTimeoutSeconds(PoolPolicy pool) {
        return pool.pendingTimeoutSeconds();
    }

    @ProtoField(number = 9, defaultValue = "0")
    int getMaxConcurrentLogonsPerHost(PoolPolicy pool) {
        return pool.maxConcurrentLogonsPerHost();
    }

    @ProtoField(number = 10, defaultValue = "0")
    int getCpuPctThreshold(PoolPolicy pool) {
        return pool.loadThresholds() == null || pool.loadThresholds().cpuPct() == null
                ? 0 : pool.loadThresholds().cpuPct();
    }

    @ProtoField(number = 11, defaultValue = "0")
    int getMemoryPctThreshold(PoolPolicy pool) {
        return pool.loadThresholds() == null || pool.loadThresholds().memoryPct() == null
                ? 0 : pool.loadThresholds().memoryPct();
    }
}
