package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.PersonalAssignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class AssignmentRateTest {

    @Test
    void aMinutesWorthIsAllowedAtOnceThenTheRate() {
        // given a bound of 3 new assignments a minute
        AssignmentRate rate = new AssignmentRate(3);

        // when 4 come at once, then one after the refill time of one (20 s)
        int[] burst = {rate.take("pool", NOW), rate.take("pool", NOW), rate.take("pool", NOW), rate.take("pool", NOW)};
        int justBefore = rate.take("pool", NOW + 19_999);
        int after = rate.take("pool", NOW + 20_000);

        // then the fourth waits 20 s, and one more is allowed once 20 s passed
        assertThat(burst).containsExactly(0, 0, 0, 20);
        assertThat(justBefore).isEqualTo(1);
        assertThat(after).isZero();
    }

    @Test
    void poolsAreBoundedApart() {
        AssignmentRate rate = new AssignmentRate(1);

        assertThat(rate.take("a", NOW)).isZero();
        assertThat(rate.take("a", NOW)).isEqualTo(60);
        assertThat(rate.take("b", NOW)).isZero();
    }

    @Test
    void zeroMeansNoBound() {
        AssignmentRate rate = new AssignmentRate(0);

        for (int i = 0; i < 10_000; i++) {
            assertThat(rate.take("pool", NOW)).isZero();
        }
    }

    @Test
    void placementRefusesANewAutomaticAssignmentBeyondTheBoundButNotAUsersOwnHost() {
        // given an AUTOMATIC personal pool bounded at 1 new assignment a minute, with bob already owning h2
        InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
        AtomicLong now = new AtomicLong(NOW);
        HostPlacement placement = new HostPlacement(cluster, now::get, () -> new SplittableRandom(7),
                new AssignmentRate(1));
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of("alice", "mallory", "bob"),
                Set.of()));
        cluster.pool(Hosts.personal("pool", PersonalAssignment.AUTOMATIC, false));
        cluster.host(Hosts.available("h1", "pool", 0));
        cluster.host(Hosts.available("h3", "pool", 0));
        cluster.host(Hosts.assigned("h2", "pool", "bob", io.berth.common.events.Health.AVAILABLE));

        // when alice takes this minute's assignment, then mallory asks for one, then bob for his own host
        Decision alice = placement.decide(new ConnectRequest("alice", "desktop", List.of()));
        Decision mallory = placement.decide(new ConnectRequest("mallory", "desktop", List.of()));
        Decision bob = placement.decide(new ConnectRequest("bob", "desktop", List.of()));

        // then mallory gets 503 assignment_rate with the wait, bob is placed on his host regardless
        assertThat(alice).isInstanceOf(Decision.Allocate.class);
        assertThat(mallory).isInstanceOfSatisfying(Decision.Answer.class, answer ->
                assertThat(answer.outcome()).isInstanceOfSatisfying(ConnectOutcome.NoCapacity.class, refused -> {
                    assertThat(refused.refusal()).isEqualTo(Refusal.ASSIGNMENT_RATE);
                    assertThat(refused.retryAfterSeconds()).isEqualTo(60);
                }));
        assertThat(bob).isInstanceOfSatisfying(Decision.Allocate.class, allocate ->
                assertThat(allocate.candidates().next()).hasValueSatisfying(host ->
                        assertThat(host.hostId()).isEqualTo("h2")));
    }
}
