package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session ids a heartbeat lists that Berth never allocated count toward the host's load (live = slots ∪
 * reported ids), but never become a session or a reconnect.
 */
class ReportedSessionsTest {

    private static HostEntry reporting(List<String> slots, List<String> reported) {
        HostEntry host = Hosts.available("h1", "pool", 0);
        for (String sessionId : slots) {
            host = host.confirm(sessionId, "user-" + sessionId);
        }
        return host.withHealth("pool", Health.AVAILABLE, true, null, NOW + 1, reported);
    }

    @Test
    void reportedIdsWithoutASlotCountTowardTheLoadAndKnownOnesCountOnce() {
        HostEntry host = reporting(List.of("s1", "s2"), List.of("s1", "s2", "ghost-1", "ghost-2"));

        assertThat(host.liveSessions()).isEqualTo(4);
        assertThat(host.unknownReportedSessions()).isEqualTo(2);
    }

    @Test
    void aReportedIdLaterConfirmedByBerthSessionsIsCountedOnce() {
        HostEntry host = reporting(List.of(), List.of("s1"));

        HostEntry confirmed = host.confirm("s1", "alice");

        assertThat(host.liveSessions()).isEqualTo(1);
        assertThat(confirmed.liveSessions()).isEqualTo(1);
    }

    @Test
    void aSessionThatEndedNoLongerCountsThroughTheHeartbeatBeforeItsEnd() {
        // given a host whose last heartbeat listed its two sessions and a ghost
        HostEntry host = reporting(List.of("s1", "s2"), List.of("s1", "s2", "ghost-1"));

        // when berth.sessions ends s1 before the next heartbeat (or while the heartbeat source is silent)
        HostEntry ended = host.endSession("s1");

        // then its seat is free at once; the ghost still counts
        assertThat(ended.liveSessions()).isEqualTo(2);
        assertThat(ended.reportedSessionIds()).containsExactly("s2", "ghost-1");
        // and a host that still lists it in its next heartbeat counts it again
        assertThat(ended.withHealth("pool", Health.AVAILABLE, true, null, NOW + 2, List.of("s1", "s2", "ghost-1"))
                .liveSessions()).isEqualTo(3);
    }

    @Test
    void endingASessionNeitherHeldNorReportedChangesNothing() {
        HostEntry host = reporting(List.of("s1"), List.of("s1"));

        assertThat(host.endSession("other")).isSameAs(host);
    }

    @Test
    void unknownIdsFillingTheLimitRefuseAReservation() {
        HostEntry host = reporting(List.of(), List.of("ghost-1", "ghost-2"));

        HostEntry after = host.reserve("new", "alice", 2, false, NOW);

        assertThat(after).isSameAs(host);
        assertThat(after.holds("new")).isFalse();
    }

    @Test
    void aNewerHeartbeatReplacesTheReportedIdsAndAnOlderOneIsIgnored() {
        HostEntry host = reporting(List.of(), List.of("ghost-1", "ghost-2"));

        HostEntry older = host.withHealth("pool", Health.AVAILABLE, true, null, NOW, List.of());
        HostEntry newer = host.withHealth("pool", Health.AVAILABLE, true, null, NOW + 2, List.of());

        assertThat(older.liveSessions()).isEqualTo(2);
        assertThat(newer.liveSessions()).isZero();
    }

    @Test
    void aHostFullOfUnknownSessionsIsNoCandidate() {
        PoolIndex index = new PoolIndex("pool", () -> NOW);
        index.configure(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 2));

        index.upsert(reporting(List.of(), List.of("ghost-1", "ghost-2")));

        assertThat(index.candidateCount()).isZero();
    }

    @Test
    void anUnknownIdNeverDrivesAReconnectNorCreatesASession() {
        InMemoryCluster cluster = new InMemoryCluster(() -> NOW);
        cluster.pool(Hosts.pooled("pool", LoadBalancer.BREADTH_FIRST, 2));
        cluster.appGroup(new AppGroupAccess("desktop", "pool", AppGroupType.DESKTOP, Set.of("alice"), Set.of()));
        // The agent names a session that looks like alice's, but Berth never allocated it.
        cluster.host(reporting(List.of(), List.of("alice-made-up")));
        ConnectFlow flow = new ConnectFlow(new HostPlacement(cluster, () -> NOW, ThreadLocalRandom::current),
                cluster, cluster, () -> UUID.randomUUID().toString(), ConnectFlow.Observer.NONE);

        ConnectOutcome outcome = flow.connect(new ConnectRequest("alice", "desktop", List.of()))
                .toCompletableFuture().join();

        assertThat(outcome).isInstanceOf(ConnectOutcome.Placed.class);
        assertThat(((ConnectOutcome.Placed) outcome).sessionId()).isNotEqualTo("alice-made-up");
        assertThat(cluster.hosts.get("h1").liveSessions()).isEqualTo(2);
        assertThat(cluster.seats.get("pool/alice").sessions()).hasSize(1);
    }
}
