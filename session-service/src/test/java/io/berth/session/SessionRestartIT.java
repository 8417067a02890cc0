package io.berth.session;

import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The session service down while the broker goes on allocating (issue 10): after its restart, the sessions allocated
 * meanwhile, and those it held PENDING before it stopped, have not used up their pending time while nobody could
 * report their logon; the ones their hosts list, or whose agents retry their LOGON, become ACTIVE, not
 * PENDING_TIMEOUT. "While it was down" is 90 s ago, longer than any pending timeout here, without waiting for it:
 * the allocations and the earlier PENDING record carry times 90 s in the past.
 */
class SessionRestartIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofHours(24), Duration.ofMillis(100));
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Duration DOWN = Duration.ofSeconds(90);
    private static final String POOL = "pool-a";
    private static final String SHORT_POOL = "pool-short";

    private static SessionServiceDriver driver;
    private static RunningService service;

    @BeforeAll
    static void givenTheServiceRanOnceAndStopped() throws Exception {
        driver = new SessionServiceDriver(kafka);
        driver.pool(POOL, 30, 15);
        driver.pool(SHORT_POOL, 30, 2);
        for (String host : List.of("host-1", "host-2", "host-3")) {
            driver.registration(host, POOL);
        }
        driver.registration("host-s", SHORT_POOL);
        RunningService earlier = driver.start(SETTINGS);
        SessionServiceDriver.stop(earlier);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        SessionServiceDriver.stop(service);
        driver.close();
    }

    @Test
    void sessionsOfTheDowntimeBecomeActiveWhenTheirHostsListThemOrTheirAgentsLogOn() throws Exception {
        // given, while the service is down: allocations made 90 s ago (pending timeout: 15 s)
        Instant downSince = Instant.now().minus(DOWN);
        driver.allocation("s-listed-after", "ann", POOL, "host-1", downSince);
        driver.allocation("s-listed-before", "bea", POOL, "host-2", downSince);
        driver.allocation("s-logon-retried", "cid", POOL, "host-3", downSince);
        driver.allocation("s-abandoned", "dan", SHORT_POOL, "host-s", downSince);
        // a session the service had made PENDING just before it went down
        driver.send(Topics.SESSIONS, "s-replayed", new SessionEvent(1, "s-replayed", "eve", POOL, "host-1",
                SessionState.PENDING, downSince, downSince, null));
        // and host-2's heartbeat, listing its session, read before the allocation
        driver.heartbeat("host-2", POOL, List.of("s-listed-before"));

        // when the service starts again, host-1 heartbeats and host-3's agent retries its logon
        service = driver.start(SETTINGS);
        driver.heartbeat("host-1", POOL, List.of("s-listed-after", "s-replayed"));
        assertThat(driver.report(service, "s-logon-retried", "LOGON", "cid", "host-3").statusCode()).isEqualTo(202);

        // then each of them is ACTIVE and was never ended
        List<String> loggedOn = List.of("s-listed-after", "s-listed-before", "s-logon-retried", "s-replayed");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(loggedOn)
                .allSatisfy(id -> assertThat(driver.stateOf(service, id)).as(id).isEqualTo("ACTIVE")));
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(loggedOn).allSatisfy(id ->
                assertThat(lastState(id)).as("last record of %s", id).contains(SessionState.ACTIVE)));
        assertThat(loggedOn).allSatisfy(id -> assertThat(driver.sessionRecords(id))
                .as("records of %s", id).noneMatch(record -> record.map(SessionEvent::state)
                        .filter(SessionState.ENDED::equals).isPresent()));
        // and a session nobody logs on to still times out, counted from the restart
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.sessionRecords("s-abandoned"))
                .last().satisfies(record -> assertThat(record).hasValueSatisfying(event -> {
                    assertThat(event.state()).isEqualTo(SessionState.ENDED);
                    assertThat(event.endReason()).isEqualTo("PENDING_TIMEOUT");
                })));
    }

    private static Optional<SessionState> lastState(String sessionId) {
        List<Optional<SessionEvent>> records = driver.sessionRecords(sessionId);
        return records.isEmpty() ? Optional.empty() : records.get(records.size() - 1).map(SessionEvent::state);
    }
}
