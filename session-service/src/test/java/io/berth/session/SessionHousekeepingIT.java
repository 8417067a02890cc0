package io.berth.session;

import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the session service does over time and at scale: tombstones for ENDED sessions (with a retention shortened
 * from 24 h to 2 s), and two instances sharing the work through the consumer group without deciding anything
 * twice.
 */
class SessionHousekeepingIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofSeconds(2), Duration.ofMillis(100));
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String POOL = "pool-fast";

    private static SessionServiceDriver driver;
    private static RunningService first;
    private static RunningService second;

    @BeforeAll
    static void givenAPoolWithAOneSecondPendingTimeout() throws Exception {
        driver = new SessionServiceDriver(kafka);
        driver.pool(POOL, 30, 1);
        driver.registration("host-1", POOL);
        first = driver.start(SETTINGS);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        SessionServiceDriver.stop(second);
        SessionServiceDriver.stop(first);
        driver.close();
    }

    @Test
    void anEndedSessionStaysListedForTheRetentionThenIsTombstoned() {
        // given a logon held until its allocation arrives (reports alone create nothing, DESIGN.md 7.8)
        driver.report(first, "s-old", "LOGON", "alice", "host-1");
        driver.allocation("s-old", "alice", POOL, "host-1");
        await().atMost(DEADLINE).until(() -> "ACTIVE".equals(driver.stateOf(first, "s-old")));

        // when
        driver.report(first, "s-old", "LOGOFF", "alice", "host-1");

        // then it is listed as ENDED at first
        assertThat(driver.stateOf(first, "s-old")).isEqualTo("ENDED");
        // and tombstoned on berth.sessions after the retention
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.sessionRecords("s-old"))
                .extracting(record -> record.map(SessionEvent::state).orElse(null))
                .containsExactly(SessionState.ACTIVE, SessionState.ENDED, null));
        assertThat(driver.session(first, "s-old")).isEmpty();
    }

    @Test
    void twoInstancesShareTheSessionsAndDecideEachOnce() throws Exception {
        // given a second instance in the consumer group
        second = driver.start(SETTINGS);
        List<String> sessionIds = IntStream.range(0, 24).mapToObj(i -> "s-shared-" + i).toList();

        // when sessions are allocated and nobody logs on
        sessionIds.forEach(id -> driver.allocation(id, "user-" + id, POOL, "host-1"));

        // then each one is PENDING once and ENDED once, and both instances know its end
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sessionIds).allSatisfy(id ->
                assertThat(driver.sessionRecords(id)).map(record -> record.map(SessionEvent::state))
                        .startsWith(Optional.of(SessionState.PENDING), Optional.of(SessionState.ENDED))));
        assertThat(sessionIds).allSatisfy(id -> {
            List<Optional<SessionEvent>> records = driver.sessionRecords(id);
            assertThat(records.stream().filter(record -> record.isPresent()
                    && record.get().state() == SessionState.PENDING)).as("PENDING records of %s", id).hasSize(1);
            assertThat(records.stream().filter(record -> record.isPresent()
                    && record.get().state() == SessionState.ENDED)).as("ENDED records of %s", id).hasSize(1);
        });
        assertThat(driver.stateOf(second, sessionIds.get(0))).isIn("ENDED", null);
    }
}
