package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class EligibilityTest {

    private final PoolPolicy pool = Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 2);

    @Test
    void anAvailableAcceptingHostBelowTheLimitWithAFreshHeartbeatTakesANewSession() {
        assertThat(Eligibility.takesNewSession(Hosts.available("h1", "pool", 1), pool, NOW)).isTrue();
        assertThat(Eligibility.whyNot(Hosts.available("h1", "pool", 1), pool, NOW)).isEmpty();
    }

    @Test
    void aHeartbeatIsFreshForThreeIntervalsAndStaleAfter() {
        HostEntry host = Hosts.available("h1", "pool", 0);
        assertThat(Eligibility.takesNewSession(host, pool, NOW + 90_000)).isTrue();
        assertThat(Eligibility.takesNewSession(host, pool, NOW + 90_001)).isFalse();
        assertThat(Eligibility.whyNot(host, pool, NOW + 90_001)).get().asString().contains("heartbeat");
    }

    @Test
    void aDrainingHostTakesNoNewSession() {
        HostEntry host = Hosts.host("h1", "pool", Health.AVAILABLE, false, 0);
        assertThat(Eligibility.takesNewSession(host, pool, NOW)).isFalse();
        assertThat(Eligibility.whyNot(host, pool, NOW)).get().asString().contains("drain");
    }

    @Test
    void aHostAtItsLimitTakesNoNewSession() {
        HostEntry host = Hosts.available("h1", "pool", 2);
        assertThat(Eligibility.takesNewSession(host, pool, NOW)).isFalse();
        assertThat(Eligibility.whyNot(host, pool, NOW)).get().asString().contains("limit of 2");
    }

    @ParameterizedTest
    @EnumSource(value = Health.class, names = "AVAILABLE", mode = EnumSource.Mode.EXCLUDE)
    void onlyAvailableHostsTakeNewSessions(Health health) {
        HostEntry host = Hosts.host("h1", "pool", health, true, 0);
        assertThat(Eligibility.takesNewSession(host, pool, NOW)).isFalse();
        assertThat(Eligibility.whyNot(host, pool, NOW)).get().asString().contains(health.name());
    }

    @ParameterizedTest
    @EnumSource(Health.class)
    void reconnectIsAllowedUnlessTheHostIsUnavailableOrSilent(Health health) {
        boolean expected = health != Health.UNAVAILABLE && health != Health.NO_HEARTBEAT;
        assertThat(Eligibility.allowsReconnect(Hosts.host("h1", "pool", health, false, 99))).isEqualTo(expected);
    }
}
