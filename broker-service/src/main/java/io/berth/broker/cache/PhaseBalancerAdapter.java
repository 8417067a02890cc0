package io.berth.broker.cache;

import io.berth.broker.domain.PhaseBalancer;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of {@link PhaseBalancer}. */
@ProtoAdapter(PhaseBalancer.class)
public final class PhaseBalancerAdapter {

    @ProtoFactory
    PhaseBalancer create(String poolId, String planId, String phase, String loadBalancer) {
        return new PhaseBalancer(poolId, planId, phase == null ? null : ScalingPhase.valueOf(phase),
                loadBalancer == null ? null : LoadBalancer.valueOf(loadBalancer));
    }

    @ProtoField(1)
    String getPoolId(PhaseBalancer balancer) {
        return balancer.poolId();
    }

    @ProtoField(2)
    String getPlanId(PhaseBalancer balancer) {
        return balancer.planId();
    }

    @ProtoField(3)
    String getPhase(PhaseBalancer balancer) {
        return balancer.phase() == null ? null : balancer.phase().name();
    }

    @ProtoField(4)
    String getLoadBalancer(PhaseBalancer balancer) {
        return balancer.loadBalancer() == null ? null : balancer.loadBalancer().name();
    }
}
