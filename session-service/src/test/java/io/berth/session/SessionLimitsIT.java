package io.berth.session;

import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session limits and host commands against a real Kafka broker (DESIGN.md 7.2, 7.5): the service decides on a
 * {@link MutableClock}, so a 1-minute disconnected timeout takes no minute; commands are read back from
 * {@code berth.host-commands}, sessions from {@code berth.sessions} and the API. Each test uses its own host.
 */
class SessionLimitsIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofHours(24), Duration.ofMillis(100));
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** 1 s heartbeats (a LOGOFF not carried out ends the session 2 s later) and a 1 min disconnected timeout. */
    private static final String POOL = "pool-limits";
    private static final String SCALED_POOL = "pool-scaled";

    private static SessionServiceDriver driver;
    private static MutableClock clock;
    private static RunningService service;

    @BeforeAll
    static void givenPoolsAndRegisteredHosts() throws Exception {
        driver = new SessionServiceDriver(kafka);
        driver.poolWithLimits(POOL, 1, 1, 0, 5);
        driver.poolWithLimits(SCALED_POOL, 1, 0, 0, 5);
        for (String host : List.of("host-dt", "host-sc", "host-msg")) {
            driver.registration(host, host.equals("host-sc") ? SCALED_POOL : POOL);
        }
        clock = new MutableClock(Instant.now());
        service = driver.start(SETTINGS, clock);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        SessionServiceDriver.stop(service);
        driver.close();
    }

    @Test
    void aSessionDisconnectedForTheTimeoutIsLoggedOffOnceAndEndsWithDisconnectedTimeout() throws Exception {
        // given two sessions that disconnect now
        for (String sessionId : List.of("s-dt-1", "s-dt-2")) {
            driver.allocation(sessionId, "alice", POOL, "host-dt");
            await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, sessionId)));
            assertThat(driver.report(service, sessionId, "LOGON", "alice", "host-dt").statusCode()).isEqualTo(202);
            assertThat(driver.report(service, sessionId, "DISCONNECT", "alice", "host-dt").statusCode())
                    .isEqualTo(202);
        }

        // when the disconnected timeout of 1 minute passes
        clock.advance(Duration.ofMinutes(1));

        // then each gets one LOGOFF with reason DISCONNECTED_TIMEOUT on berth.host-commands
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.commands("host-dt"))
                .extracting(HostCommandEvent::sessionId).containsExactlyInAnyOrder("s-dt-1", "s-dt-2"));
        assertThat(driver.commands("host-dt")).allSatisfy(command -> {
            assertThat(command.command()).isEqualTo(HostCommandType.LOGOFF);
            assertThat(command.reason()).isEqualTo("DISCONNECTED_TIMEOUT");
            assertThat(command.commandId()).isNotBlank();
        });
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "berth_session_limit_commands_total\\{.*kind=\"DISCONNECTED_TIMEOUT\".*} 2\\.0"));

        // and a restarted service, having read them back, sends none again
        SessionServiceDriver.stop(service);
        service = driver.start(SETTINGS, clock);
        driver.allocation("s-dt-marker", "alice", POOL, "host-dt");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-dt-marker")));
        // (its sweep runs every 100 ms and both sessions are past their timeout: 2 s of sweeps resend nothing)
        await().during(Duration.ofSeconds(2)).atMost(DEADLINE)
                .untilAsserted(() -> assertThat(driver.commands("host-dt")).hasSize(2));

        // when the agent logs the first off
        assertThat(driver.report(service, "s-dt-1", "LOGOFF", "alice", "host-dt").statusCode()).isEqualTo(202);

        // then it ends with DISCONNECTED_TIMEOUT, on berth.sessions and in the API
        assertEndsWith("s-dt-1", "DISCONNECTED_TIMEOUT");

        // and when 2 heartbeat intervals pass without the agent logging the second off, it ends all the same
        assertThat(driver.stateOf(service, "s-dt-2")).isEqualTo("DISCONNECTED");
        clock.advance(Duration.ofSeconds(2));
        assertEndsWith("s-dt-2", "DISCONNECTED_TIMEOUT");
        // (counted when Kafka's acknowledgement reaches the service, which can be just after a reader sees it)
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "berth_session_forced_endings_total\\{.*reason=\"DISCONNECTED_TIMEOUT\".*} 2\\.0"));
    }

    @Test
    void theScalersLogoffOnTheCommandTopicEndsTheSessionWithScalingLogoff() {
        // given two active sessions
        for (String sessionId : List.of("s-sc-1", "s-sc-2")) {
            driver.allocation(sessionId, "bob", SCALED_POOL, "host-sc");
            await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, sessionId)));
            assertThat(driver.report(service, sessionId, "LOGON", "bob", "host-sc").statusCode()).isEqualTo(202);
        }

        // when inventory's scaler logs both off (s-sc-1's command stamped an hour ahead, so that only its agent's
        // logoff can end it; both on one partition, s-sc-1's first)
        driver.send(Topics.HOST_COMMANDS, "host-sc", new HostCommandEvent(1, "scaler-1", "host-sc",
                HostCommandType.LOGOFF, "s-sc-1", null, "SCALING_LOGOFF", clock.instant().plus(Duration.ofHours(1))));
        driver.send(Topics.HOST_COMMANDS, "host-sc", new HostCommandEvent(1, "scaler-2", "host-sc",
                HostCommandType.LOGOFF, "s-sc-2", null, "SCALING_LOGOFF", clock.instant()));

        // then the session whose agent does not log it off ends by itself 2 heartbeat intervals later
        clock.advance(Duration.ofSeconds(2));
        assertEndsWith("s-sc-2", "SCALING_LOGOFF");

        // and when the other's agent logs it off, it ends with SCALING_LOGOFF too
        assertThat(driver.stateOf(service, "s-sc-1")).isEqualTo("ACTIVE");
        assertThat(driver.report(service, "s-sc-1", "LOGOFF", "bob", "host-sc").statusCode()).isEqualTo(202);
        assertEndsWith("s-sc-1", "SCALING_LOGOFF");
    }

    @Test
    void anOperatorsMessageIsACommandForTheSessionsHost() {
        // given
        driver.allocation("s-msg", "carol", POOL, "host-msg");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-msg")));

        // when
        HttpResponse<String> answer = driver.post(service, "/api/v1/sessions/s-msg/message", driver.adminToken(),
                new JsonObject().put("message", "Maintenance at noon: please save your work").encode());

        // then
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getString("command")).isEqualTo("MESSAGE");
        assertThat(body.getString("hostId")).isEqualTo("host-msg");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.commands("host-msg")).singleElement()
                .satisfies(command -> {
                    assertThat(command.command()).isEqualTo(HostCommandType.MESSAGE);
                    assertThat(command.commandId()).isEqualTo(body.getString("commandId"));
                    assertThat(command.sessionId()).isEqualTo("s-msg");
                    assertThat(command.message()).isEqualTo("Maintenance at noon: please save your work");
                }));
        assertThat(driver.stateOf(service, "s-msg")).isEqualTo("PENDING");
    }

    /** The session's last record on {@code berth.sessions} becomes ENDED with {@code reason}, and the API says so. */
    private static void assertEndsWith(String sessionId, String reason) {
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastRecord(sessionId)).hasValueSatisfying(event -> {
            assertThat(event.state()).isEqualTo(SessionState.ENDED);
            assertThat(event.endReason()).isEqualTo(reason);
        }));
        assertThat(driver.session(service, sessionId)).hasValueSatisfying(json ->
                assertThat(json.getString("endReason")).isEqualTo(reason));
    }

    private static Optional<SessionEvent> lastRecord(String sessionId) {
        List<Optional<SessionEvent>> records = driver.sessionRecords(sessionId);
        return records.isEmpty() ? Optional.empty() : records.get(records.size() - 1);
    }

    private static String metrics() {
        return driver.get(service, "/metrics", null).body();
    }
}
