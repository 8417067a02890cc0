package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the heartbeat source itself is silent (no host heartbeats at all), the hosts that were AVAILABLE and
 * fresh when it went silent keep taking sessions for a bounded time; a single silent host is still stale.
 */
class DegradedPlacementTest {

    private static final long WINDOW = 90_000;
    private static final long DEGRADED = 300_000;
    private final AtomicLong clock = new AtomicLong(NOW);
    private final HeartbeatSource source = new HeartbeatSource(DEGRADED);
    private final PoolIndex index = new PoolIndex("pool", clock::get, source);

    private static HostEntry host(String hostId, long heartbeatMillis, Health health) {
        return new HostEntry(hostId, "pool", health, true, null, heartbeatMillis, List.of(), null, 1);
    }

    private Set<String> candidates() {
        Set<String> found = new HashSet<>();
        Candidates candidates = index.candidates(ThreadLocalRandom.current(), 100);
        for (var next = candidates.next(); next.isPresent(); next = candidates.next()) {
            found.add(next.get().hostId());
        }
        return found;
    }

    @Test
    void theSourceIsDegradedOnlyBetweenItsWindowAndTheBound() {
        source.heard(NOW);

        assertThat(source.isDegraded(NOW + WINDOW, WINDOW)).isFalse();
        assertThat(source.freshnessReference(NOW + WINDOW, WINDOW)).isEqualTo(NOW + WINDOW);
        assertThat(source.isDegraded(NOW + WINDOW + 1, WINDOW)).isTrue();
        assertThat(source.freshnessReference(NOW + WINDOW + 1, WINDOW)).isEqualTo(NOW);
        assertThat(source.isDegraded(NOW + WINDOW + DEGRADED, WINDOW)).isTrue();
        assertThat(source.isDegraded(NOW + WINDOW + DEGRADED + 1, WINDOW)).isFalse();
        assertThat(HeartbeatSource.STRICT.isDegraded(NOW + WINDOW + 1, WINDOW)).isFalse();
    }

    @Test
    void hostsFreshWhenTheSourceWentSilentStayCandidatesUntilTheBound() {
        index.configure(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 5));
        index.upsert(host("h1", NOW, Health.AVAILABLE));
        index.upsert(host("h2", NOW - 20_000, Health.AVAILABLE));
        index.upsert(host("old", NOW - 100_000, Health.AVAILABLE));
        index.upsert(host("sick", NOW, Health.NEEDS_ASSISTANCE));

        // Silent for 95 s: h2's heartbeat is 115 s old; it was 20 s old when the source went silent.
        clock.set(NOW + 95_000);
        assertThat(index.isPlacingDegraded(clock.get())).isTrue();
        index.reindex();
        assertThat(candidates()).containsExactlyInAnyOrder("h1", "h2");

        clock.set(NOW + WINDOW + DEGRADED + 1);
        assertThat(index.isPlacingDegraded(clock.get())).isFalse();
        assertThat(candidates()).isEmpty();
        assertThat(index.hasOnlyStaleHosts(clock.get())).isTrue();
    }

    @Test
    void oneSilentHostAmongSpeakingOnesIsStillStale() {
        index.configure(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 5));
        index.upsert(host("quiet", NOW, Health.AVAILABLE));
        clock.set(NOW + 95_000);
        index.upsert(host("talker", NOW + 94_000, Health.AVAILABLE));

        assertThat(index.isPlacingDegraded(clock.get())).isFalse();
        assertThat(candidates()).containsExactly("talker");
    }
}
