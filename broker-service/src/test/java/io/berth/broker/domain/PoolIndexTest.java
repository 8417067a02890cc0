package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class PoolIndexTest {

    private final AtomicLong clock = new AtomicLong(NOW);
    private final SplittableRandom random = new SplittableRandom(42);

    private PoolIndex index(PoolPolicy policy, HostEntry... hosts) {
        PoolIndex index = new PoolIndex(policy.poolId(), clock::get);
        index.configure(policy);
        for (HostEntry host : hosts) {
            index.upsert(host);
        }
        return index;
    }

    private Optional<String> pick(PoolIndex index, String... tried) {
        return index.pick(Set.of(tried), random).map(HostEntry::hostId);
    }

    @Test
    void breadthFirstPicksTheHostWithTheFewestSessions() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 5),
                Hosts.available("h1", "p", 3), Hosts.available("h2", "p", 1), Hosts.available("h3", "p", 2));

        assertThat(pick(index)).contains("h2");
    }

    @Test
    void breadthFirstBreaksTiesAtRandom() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 5),
                Hosts.available("h1", "p", 1), Hosts.available("h2", "p", 1), Hosts.available("h3", "p", 1),
                Hosts.available("h4", "p", 2));

        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            picks.merge(pick(index).orElseThrow(), 1, Integer::sum);
        }

        assertThat(picks.keySet()).containsExactlyInAnyOrder("h1", "h2", "h3");
        assertThat(picks.values()).allSatisfy(count -> assertThat(count).isGreaterThan(50));
    }

    @Test
    void sequentialBreadthFirstConnectsNeverLeaveTwoHostsMoreThanOneApart() {
        PoolPolicy policy = Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 10);
        Map<String, HostEntry> hosts = new HashMap<>();
        for (int i = 0; i < 7; i++) {
            hosts.put("h" + i, Hosts.available("h" + i, "p", 0));
        }
        PoolIndex index = index(policy, hosts.values().toArray(HostEntry[]::new));

        for (int connect = 0; connect < 60; connect++) {
            HostEntry chosen = index.pick(Set.of(), random).orElseThrow();
            HostEntry after = hosts.get(chosen.hostId()).reserve("s" + connect, "u" + connect, 10, false, NOW);
            hosts.put(after.hostId(), after);
            index.upsert(after);
            int min = hosts.values().stream().mapToInt(HostEntry::liveSessions).min().orElseThrow();
            int max = hosts.values().stream().mapToInt(HostEntry::liveSessions).max().orElseThrow();
            assertThat(max - min).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void depthFirstFillsTheFullestHostStillBelowTheLimit() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.DEPTH_FIRST, 4),
                Hosts.available("h1", "p", 4), Hosts.available("h2", "p", 3), Hosts.available("h3", "p", 1),
                Hosts.available("h4", "p", 0));

        assertThat(pick(index)).contains("h2");
    }

    @Test
    void aRefusedHostIsSkippedForTheNextCandidate() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 4),
                Hosts.available("h1", "p", 0), Hosts.available("h2", "p", 2));

        assertThat(pick(index, "h1")).contains("h2");
        assertThat(pick(index, "h1", "h2")).isEmpty();
    }

    @Test
    void candidatesYieldEachHostOnce() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 4),
                Hosts.available("h1", "p", 0), Hosts.available("h2", "p", 0), Hosts.available("h3", "p", 1));
        Candidates candidates = index.candidates(random, 10);

        Set<String> seen = new HashSet<>();
        for (Optional<HostEntry> next = candidates.next(); next.isPresent(); next = candidates.next()) {
            assertThat(seen.add(next.get().hostId())).isTrue();
        }

        assertThat(seen).containsExactlyInAnyOrder("h1", "h2", "h3");
    }

    @Test
    void fullDrainingAndUnhealthyHostsAreNotCandidates() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 2),
                Hosts.available("full", "p", 2), Hosts.host("draining", "p", Health.AVAILABLE, false, 0),
                Hosts.host("sick", "p", Health.NEEDS_ASSISTANCE, true, 0));

        assertThat(pick(index)).isEmpty();
        assertThat(index.candidateCount()).isZero();
        assertThat(index.host("draining")).isPresent();
    }

    @Test
    void aHostWhoseHeartbeatWentStaleLeavesTheIndexUntilItsNextHeartbeat() {
        HostEntry host = Hosts.available("h1", "p", 0);
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 2), host);

        clock.set(NOW + 91_000);
        assertThat(pick(index)).isEmpty();
        assertThat(index.candidateCount()).isZero();

        index.upsert(host.withHealth("p", Health.AVAILABLE, true, null, clock.get()));
        assertThat(pick(index)).contains("h1");
    }

    @Test
    void anEventOlderThanTheIndexedEntryIsIgnored() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 2),
                Hosts.withRevision(Hosts.available("h1", "p", 2), 5));

        index.upsert(Hosts.withRevision(Hosts.available("h1", "p", 0), 4));

        assertThat(pick(index)).isEmpty();
        assertThat(index.host("h1")).get().extracting(HostEntry::revision).isEqualTo(5L);
    }

    @Test
    void aNewLimitReindexesThePool() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 2), Hosts.available("h1", "p", 2));
        assertThat(pick(index)).isEmpty();

        index.configure(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 3));

        assertThat(pick(index)).contains("h1");
    }

    @Test
    void hostsWaitForTheirPoolsConfig() {
        PoolIndex index = new PoolIndex("p", clock::get);
        index.upsert(Hosts.available("h1", "p", 0));
        assertThat(pick(index)).isEmpty();

        index.configure(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 3));

        assertThat(pick(index)).contains("h1");
    }

    @Test
    void aRemovedHostIsGone() {
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 2), Hosts.available("h1", "p", 0));

        index.remove("h1");

        assertThat(pick(index)).isEmpty();
        assertThat(index.host("h1")).isEmpty();
    }

    @Test
    void personalPoolsKnowWhoOwnsWhichHostAndOfferOnlyUnownedOnes() {
        PoolIndex index = index(Hosts.personal("p", PersonalAssignment.AUTOMATIC, false),
                Hosts.assigned("h1", "p", "alice", Health.AVAILABLE), Hosts.available("h2", "p", 0),
                Hosts.available("h3", "p", 0).reserve("s", "bob", 1, true, NOW));

        assertThat(index.hostOf("alice")).get().extracting(HostEntry::hostId).isEqualTo("h1");
        assertThat(index.hostOf("bob")).get().extracting(HostEntry::hostId).isEqualTo("h3");
        assertThat(index.hostOf("carol")).isEmpty();
        assertThat(pick(index)).contains("h2");
        assertThat(pick(index, "h2")).isEmpty();
    }

    @Test
    void personalPoolsHandOutEveryUnassignedHostInTurn() {
        // given five unassigned hosts
        PoolIndex index = index(Hosts.personal("p", PersonalAssignment.AUTOMATIC, false),
                Hosts.available("h1", "p", 0), Hosts.available("h2", "p", 0), Hosts.available("h3", "p", 0),
                Hosts.available("h4", "p", 0), Hosts.available("h5", "p", 0));

        // when five connects pick in a row
        Set<String> picked = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            picked.add(pick(index).orElseThrow());
        }

        // then each got another host
        assertThat(picked).containsExactlyInAnyOrder("h1", "h2", "h3", "h4", "h5");
        assertThat(pick(index, "h1", "h2", "h3", "h4")).contains("h5");
        assertThat(pick(index, "h1", "h2", "h3", "h4", "h5")).isEmpty();
    }

    @Test
    void aDecisionAtOneHundredThousandHostsTouchesOnlyItsBucket() {
        HostEntry[] hosts = new HostEntry[100_000];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = Hosts.available("h" + i, "p", 1 + (i % 20));
        }
        hosts[77_777] = Hosts.available("h77777", "p", 0);
        PoolIndex index = index(Hosts.pooled("p", LoadBalancer.BREADTH_FIRST, 25), hosts);

        assertThat(pick(index)).contains("h77777");
        assertThat(index.candidateCount()).isEqualTo(100_000);
    }
}
