package io.berth.deploy.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedHostTest {

    @Test
    void aHeartbeatReportsEverySessionTheHostKnowsUntilItEnds() {
        // given a host with two users placed on it, one logged on
        SimulatedHost host = new SimulatedHost("h1", "token");
        host.allocated("s1", "alice");
        host.allocated("s2", "bob");
        host.loggedOn("s1");

        // when bob's session ends
        assertThat(host.ended("s2")).hasValueSatisfying(s -> assertThat(s.userId()).isEqualTo("bob"));

        // then only alice's session is reported, logged on
        assertThat(host.sessionIds()).containsExactly("s1");
        assertThat(host.session("s1")).hasValueSatisfying(s -> assertThat(s.stage()).isEqualTo(SimulatedHost.Stage.LOGGED_ON));
    }

    @Test
    void aRedeliveredPlacementIsRecognisedAndAnUnknownSessionCannotLogOn() {
        // given
        SimulatedHost host = new SimulatedHost("h1", "token");

        // when / then
        assertThat(host.allocated("s1", "alice")).isTrue();
        assertThat(host.allocated("s1", "alice")).isFalse();
        assertThat(host.loggedOn("unknown")).isFalse();
        assertThat(host.ended("unknown")).isEmpty();
        assertThat(host.sessionCount()).isEqualTo(1);
    }
}
