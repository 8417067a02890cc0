package io.berth.broker.cache;

import io.berth.broker.domain.PoolPolicy;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of {@link PoolPolicy}. */
@ProtoAdapter(PoolPolicy.class)
public final class PoolPolicyAdapter {

    @ProtoFactory
    PoolPolicy create(String poolId, String type, String loadBalancer, int maxSessionsPerHost,
                      String personalAssignment, boolean startVmOnConnect, int heartbeatSeconds,
                      int pendingTimeoutSeconds) {
        return new PoolPolicy(poolId, PoolType.valueOf(type),
                loadBalancer == null ? null : LoadBalancer.valueOf(loadBalancer), maxSessionsPerHost,
                personalAssignment == null ? null : PersonalAssignment.valueOf(personalAssignment), startVmOnConnect,
                heartbeatSeconds, pendingTimeoutSeconds);
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
}
