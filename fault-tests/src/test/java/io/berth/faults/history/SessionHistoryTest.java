package io.berth.faults.history;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SessionHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
    private final List<AllocationEvent> allocations = new ArrayList<>();
    private final List<SessionEvent> sessions = new ArrayList<>();

    @Test
    void aHostAboveItsLimitAtOneInstantIsOverbooked() {
        // given two sessions overlapping on host-a, one on host-b
        allocate("s1", "alice", "host-a", 0);
        allocate("s2", "bob", "host-a", 5);
        end("s1", 10, "LOGOFF");
        allocate("s3", "carol", "host-b", 1);

        // when / then: two at once on host-a breaks a limit of 1, not of 2
        SessionHistory history = history();
        assertThat(history.peakPerHost()).isEqualTo(Map.of("host-a", 2, "host-b", 1));
        assertThat(history.overbookedHosts(1)).containsExactly("host-a held 2 > 1");
        assertThat(history.overbookedHosts(2)).isEmpty();
    }

    @Test
    void aSlotFreedAtAnInstantMayBeTakenAtThatInstant() {
        // given s2 allocated at the very instant s1 ended
        allocate("s1", "alice", "host-a", 0);
        end("s1", 10, "LOGOFF");
        allocate("s2", "bob", "host-a", 10);

        // then the host never held two
        assertThat(history().overbookedHosts(1)).isEmpty();
    }

    @Test
    void aSessionWithoutAnEndStaysLiveAndCounts() {
        // given an allocation the session service never recorded, then two more on the host
        allocate("s1", "alice", "host-a", 0);
        allocate("s2", "bob", "host-a", 100);
        end("s2", 110, "PENDING_TIMEOUT");

        assertThat(history().overbookedHosts(1)).containsExactly("host-a held 2 > 1");
    }

    @Test
    void aUserWithTwoOverlappingSessionsIsADoubleSession() {
        allocate("s1", "alice", "host-a", 0);
        allocate("s2", "alice", "host-b", 5);
        allocate("s3", "bob", "host-a", 0);
        end("s3", 5, "LOGOFF");
        allocate("s4", "bob", "host-b", 5);

        assertThat(history().doubleSessions()).containsExactly("alice: s1 and s2");
    }

    @Test
    void anAcknowledgedConnectMissingFromAllocationsOrOnAnotherHostIsLost() {
        allocate("s1", "alice", "host-a", 0);
        allocate("s2", "bob", "host-b", 0);

        assertThat(history().lostAcknowledged(Map.of("s1", "host-a", "s2", "host-a", "s9", "host-c")))
                .containsExactlyInAnyOrder("s2 (answered host-a, allocated host-b)", "s9 (answered 200, not on berth.allocations)");
    }

    @Test
    void anAllocationWhoseConnectWasNotAnswered200IsUnacknowledged() {
        allocate("s1", "alice", "host-a", 0);
        allocate("s2", "bob", "host-b", 0);

        assertThat(history().unacknowledgedAllocations(java.util.Set.of("s1", "s9"))).containsExactly("s2");
    }

    @Test
    void onlyTheGivenPoolIsRead() {
        allocations.add(new AllocationEvent(1, "x1", "alice", "other-pool", "host-a", "g", T0, "broker-1"));
        allocations.add(new AllocationEvent(1, "x2", "alice", "other-pool", "host-a", "g", T0, "broker-1"));

        assertThat(history().spans()).isEmpty();
    }

    @Test
    void aSessionEndedWhileItsHostListedItIsReportedUnlessTheAgentLoggedItOff() {
        allocate("s1", "alice", "host-a", 0);
        end("s1", 70, "PENDING_TIMEOUT");
        allocate("s2", "bob", "host-a", 0);
        end("s2", 70, "LOGOFF");
        allocate("s3", "carol", "host-a", 0);
        end("s3", 70, "NOT_REPORTED_BY_HOST");

        Map<String, HostListing> listings = Map.of(
                "s1", new HostListing(at(5), Optional.empty()),
                "s2", new HostListing(at(5), Optional.empty()),
                "s3", new HostListing(at(5), Optional.of(at(60))));

        assertThat(history().endedWhileListed(listings)).singleElement().asString().startsWith("s1 on host-a ended PENDING_TIMEOUT");
    }

    @Test
    void theSweepAgreesWithCountingAtEveryInstant() {
        // model check: the peak from the sweep equals the most spans live at any start instant
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            int from = random.nextInt(1000);
            allocate("s" + i, "u" + i, "host-" + random.nextInt(3), from);
            if (random.nextBoolean()) {
                end("s" + i, from + 1 + random.nextInt(100), "LOGOFF");
            }
        }
        SessionHistory history = history();
        for (String host : history.peakPerHost().keySet()) {
            int counted = history.spans().stream().filter(s -> s.hostId().equals(host))
                    .mapToInt(s -> history.livePerHostAt(s.from()).getOrDefault(host, 0)).max().orElse(0);
            assertThat(history.peakPerHost().get(host)).as(host).isEqualTo(counted);
        }
    }

    private SessionHistory history() {
        return SessionHistory.of("pool", allocations, sessions);
    }

    private void allocate(String sessionId, String user, String host, int second) {
        allocations.add(new AllocationEvent(1, sessionId, user, "pool", host, "pool-desktop", at(second), "broker-1"));
        sessions.add(new SessionEvent(1, sessionId, user, "pool", host, SessionState.PENDING, at(second), at(second), null));
    }

    private void end(String sessionId, int second, String reason) {
        SessionEvent first = sessions.stream().filter(s -> s.sessionId().equals(sessionId)).findFirst().orElseThrow();
        sessions.add(new SessionEvent(1, sessionId, first.userId(), "pool", first.hostId(), SessionState.ENDED,
                first.createdAt(), at(second), reason));
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}
