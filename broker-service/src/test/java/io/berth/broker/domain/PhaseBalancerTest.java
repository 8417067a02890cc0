package io.berth.broker.domain;

import io.berth.common.events.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md 7.3 and 7.7: while {@code scaling/{poolId}} exists the pool places by its phase's load balancer;
 * once it is removed, by the pool's own again.
 */
class PhaseBalancerTest {

    private final SplittableRandom random = new SplittableRandom(7);

    private PoolIndex breadthFirstPool() {
        PoolIndex index = new PoolIndex("p", () -> NOW);
        index.configure(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 10));
        index.upsert(Hosts.available("h-empty", "p", 0));
        index.upsert(Hosts.available("h-half", "p", 5));
        index.upsert(Hosts.available("h-fuller", "p", 8));
        return index;
    }

    private String pick(PoolIndex index) {
        return index.pick(Set.of(), random).orElseThrow().hostId();
    }

    @Test
    void theScalingPhasesLoadBalancerOverridesThePools() {
        PoolIndex index = breadthFirstPool();
        assertThat(pick(index)).isEqualTo("h-empty");

        index.balanceBy(LoadBalancer.DEPTH_FIRST);

        assertThat(index.effectiveLoadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(pick(index)).isEqualTo("h-fuller");
    }

    @Test
    void removingThePhaseGoesBackToThePoolsOwn() {
        PoolIndex index = breadthFirstPool();
        index.balanceBy(LoadBalancer.DEPTH_FIRST);

        index.balanceBy(null);

        assertThat(index.effectiveLoadBalancer()).isEqualTo(LoadBalancer.BREADTH_FIRST);
        assertThat(pick(index)).isEqualTo("h-empty");
    }

    @Test
    void aNewPoolConfigKeepsThePhasesLoadBalancer() {
        PoolIndex index = breadthFirstPool();
        index.balanceBy(LoadBalancer.DEPTH_FIRST);

        index.configure(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 12));

        assertThat(pick(index)).isEqualTo("h-fuller");
    }
}
