package io.berth.session;

import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.http.Problems;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.session.domain.UnknownReportHold;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The session service against a real Kafka broker: allocations, agent reports, heartbeats and config go in
 * through Kafka and HTTP as the other services and agents send them; {@code berth.sessions} is read back.
 * The tests share one service and use a host each, so that one host's heartbeats never touch another test's
 * sessions; the restart test comes last and checks every session the others left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionServiceIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    /** Reports for unknown sessions are held 5 s: long enough for an allocation produced next, short to expire. */
    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofHours(24), Duration.ofMillis(100),
            new UnknownReportHold(Duration.ofSeconds(5), 3, 1000));
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final String POOL = "pool-a";
    private static final String FAST_POOL = "pool-fast";

    private static SessionServiceDriver driver;
    private static RunningService service;

    @BeforeAll
    static void givenAPoolWithRegisteredHostsAndARunningService() throws Exception {
        driver = new SessionServiceDriver(kafka);
        driver.pool(POOL, 1, 600); // 1 s heartbeats: a 2 s reconciliation grace
        driver.pool(FAST_POOL, 30, 1); // users must log on within 1 s
        for (String host : List.of("host-1", "host-2", "host-3", "host-4", "host-5")) {
            driver.registration(host, POOL);
        }
        driver.registration("host-f", FAST_POOL);
        service = driver.start(SETTINGS);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        SessionServiceDriver.stop(service);
        driver.close();
    }

    @Test
    @Order(1)
    void anAllocationBecomesAPendingSession() {
        // when the broker allocates a session
        driver.allocation("s-alloc", "alice", POOL, "host-1");

        // then it is PENDING, on berth.sessions and in the API
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.sessionRecords("s-alloc"))
                .singleElement().satisfies(record -> assertThat(record).hasValueSatisfying(event -> {
                    assertThat(event.state()).isEqualTo(SessionState.PENDING);
                    assertThat(event.userId()).isEqualTo("alice");
                    assertThat(event.poolId()).isEqualTo(POOL);
                    assertThat(event.hostId()).isEqualTo("host-1");
                })));
        assertThat(driver.session(service, "s-alloc")).hasValueSatisfying(json -> {
            assertThat(json.getString("state")).isEqualTo("PENDING");
            assertThat(json.getString("createdAt")).isNotBlank();
            assertThat(json.getString("updatedAt")).isNotBlank();
        });
    }

    @Test
    @Order(2)
    void logonDisconnectReconnectAndLogoffMoveTheSession() {
        // given
        driver.allocation("s-life", "bob", POOL, "host-1");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-life")));

        // when / then: each report is answered 202 once its state is on berth.sessions
        for (String[] step : new String[][]{{"LOGON", "ACTIVE"}, {"DISCONNECT", "DISCONNECTED"},
                {"RECONNECT", "ACTIVE"}, {"LOGOFF", "ENDED"}}) {
            HttpResponse<String> response = driver.report(service, "s-life", step[0], "bob", "host-1");
            assertThat(response.statusCode()).as("%s answered", step[0]).isEqualTo(202);
            assertThat(new JsonObject(response.body()).getString("state")).isEqualTo(step[1]);
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastRecord("s-life"))
                    .as("after %s", step[0]).map(SessionEvent::state).contains(SessionState.valueOf(step[1])));
        }
        assertThat(lastRecord("s-life")).map(SessionEvent::endReason).contains("LOGOFF");
        assertThat(driver.stateOf(service, "s-life")).isEqualTo("ENDED");
    }

    @Test
    @Order(3)
    void aDuplicateReportChangesNothing() {
        // given a session logged on to (allocated first: reports alone create nothing, DESIGN.md 7.8)
        driver.allocation("s-dup", "carol", POOL, "host-1");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-dup")));
        driver.report(service, "s-dup", "LOGON", "carol", "host-1");
        await().atMost(DEADLINE).until(() -> driver.sessionRecords("s-dup").size() == 2);

        // when the agent retries
        HttpResponse<String> retry = driver.report(service, "s-dup", "LOGON", "carol", "host-1");

        // then
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(driver.sessionRecords("s-dup")).hasSize(2);
    }

    @Test
    @Order(4)
    void aLogonFasterThanTheAllocationIsHeldAndAppliedWhenTheAllocationArrives() {
        // when the agent reports the logon before the broker's allocation is read
        HttpResponse<String> response = driver.report(service, "s-early", "LOGON", "dave", "host-2");

        // then it is accepted and held: no session exists on the agent's word alone (DESIGN.md 7.8)
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(response.body()).getBoolean("held")).isTrue();
        assertThat(driver.session(service, "s-early")).isEmpty();

        // and when the allocation arrives
        driver.allocation("s-early", "dave", POOL, "host-2");
        driver.allocation("s-marker", "dave", POOL, "host-2"); // read after it: proves it has been consumed
        await().atMost(DEADLINE).until(() -> driver.session(service, "s-marker").isPresent());

        // then the held logon made it ACTIVE, in one record
        assertThat(driver.session(service, "s-early")).hasValueSatisfying(json -> {
            assertThat(json.getString("state")).isEqualTo("ACTIVE");
            assertThat(json.getString("poolId")).as("pool from the allocation").isEqualTo(POOL);
        });
        assertThat(driver.sessionRecords("s-early")).hasSize(1);
    }

    @Test
    @Order(5)
    void aPendingSessionWhoseUserNeverLogsOnEnds() {
        // when a session is allocated in a pool with a 1 s pending timeout and nobody logs on
        driver.allocation("s-timeout", "erin", FAST_POOL, "host-f");

        // then
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastRecord("s-timeout")).hasValueSatisfying(event -> {
            assertThat(event.state()).isEqualTo(SessionState.ENDED);
            assertThat(event.endReason()).isEqualTo("PENDING_TIMEOUT");
        }));
        assertThat(driver.sessionRecords("s-timeout")).extracting(record -> record.orElseThrow().state())
                .containsExactly(SessionState.PENDING, SessionState.ENDED);
        assertThat(metrics()).contains("berth_session_pending_timeouts_total");
    }

    @Test
    @Order(6)
    void aSessionItsHostsHeartbeatsStopListingEnds() {
        // given an active session that host-3's heartbeats list
        driver.allocation("s-hb", "frank", POOL, "host-3");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-hb")));
        driver.report(service, "s-hb", "LOGON", "frank", "host-3");
        driver.heartbeat("host-3", POOL, List.of("s-hb"));

        // when the heartbeats stop listing it (grace: 2 heartbeats of 1 s)
        driver.heartbeat("host-3", POOL, List.of());

        // then
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastRecord("s-hb")).hasValueSatisfying(event -> {
            assertThat(event.state()).isEqualTo(SessionState.ENDED);
            assertThat(event.endReason()).isEqualTo("NOT_REPORTED_BY_HOST");
        }));
        // (counted when Kafka's acknowledgement reaches the service, which can be just after a reader sees it)
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "berth_session_reconciliation_endings_total\\{.*reason=\"NOT_REPORTED_BY_HOST\".*} 1\\.0"));
    }

    @Test
    @Order(7)
    void aPendingSessionItsHostListsHasBeenLoggedOnTo() {
        // given
        driver.allocation("s-listed", "gina", POOL, "host-5");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-listed")));

        // when the LOGON report is lost but the host's heartbeat lists the session
        driver.heartbeat("host-5", POOL, List.of("s-listed"));

        // then
        await().atMost(DEADLINE).until(() -> "ACTIVE".equals(driver.stateOf(service, "s-listed")));
    }

    @Test
    @Order(8)
    void theSessionsOfAHostRemovedFromItsPoolEnd() {
        // given (allocated first: reports alone create nothing, DESIGN.md 7.8)
        driver.allocation("s-removed", "hank", POOL, "host-4");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-removed")));
        driver.report(service, "s-removed", "LOGON", "hank", "host-4");

        // when the inventory removes host-4
        driver.hostRemoval("host-4");

        // then
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastRecord("s-removed"))
                .hasValueSatisfying(event -> {
                    assertThat(event.state()).isEqualTo(SessionState.ENDED);
                    assertThat(event.endReason()).isEqualTo("HOST_REMOVED");
                }));
        // and its agent may no longer report
        assertThat(driver.report(service, "s-removed-2", "LOGON", "hank", "host-4").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(9)
    void anotherHostsAgentIsRefused() {
        // given a session on host-1
        driver.allocation("s-guarded", "ivan", POOL, "host-1");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-guarded")));
        JsonObject logonAsHost1 = new JsonObject().put("type", "LOGOFF").put("userId", "ivan").put("hostId", "host-1");
        JsonObject logonAsHost2 = logonAsHost1.copy().put("hostId", "host-2");

        // when / then: host-2's agent speaking for host-1, or claiming host-1's session
        assertProblem(driver.report(service, "s-guarded", driver.agentToken("host-2"), logonAsHost1), 403);
        assertProblem(driver.report(service, "s-guarded", driver.agentToken("host-2"), logonAsHost2), 403);
        // a token from before host-1's current registration
        assertProblem(driver.report(service, "s-guarded", driver.agentTokenWithId("host-1", "old-jti"),
                logonAsHost1), 401);
        // an agent token of a host that never registered
        assertProblem(driver.report(service, "s-guarded", driver.agentToken("rogue"),
                logonAsHost1.copy().put("hostId", "rogue")), 403);

        // and nothing changed
        assertThat(driver.stateOf(service, "s-guarded")).isEqualTo("PENDING");
        assertThat(driver.sessionRecords("s-guarded")).hasSize(1);
    }

    @Test
    @Order(10)
    void badInputIsAProblemAndChangesNothing() {
        // given
        driver.allocation("s-bad", "judy", POOL, "host-1");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-bad")));
        String agent = driver.agentToken("host-1");
        String admin = driver.adminToken();
        String events = "/api/v1/agent/sessions/s-bad/events";

        // when / then
        assertProblem(driver.post(service, events, agent, "{not json"), 400);
        assertProblem(driver.post(service, events, agent, "[]"), 400);
        assertProblem(driver.post(service, events, agent, ""), 400);
        assertProblem(driver.post(service, events, agent,
                "{\"type\":\"DANCE\",\"userId\":\"judy\",\"hostId\":\"host-1\"}"), 400);
        assertProblem(driver.post(service, events, agent, "{\"type\":\"LOGON\",\"hostId\":\"host-1\"}"), 400);
        assertProblem(driver.post(service, events, agent, "{\"type\":\"LOGON\",\"userId\":\"judy\"}"), 400);
        assertProblem(driver.post(service, events, agent,
                "{\"type\":\"LOGON\",\"userId\":42,\"hostId\":\"host-1\"}"), 400);
        assertProblem(driver.post(service, events, agent,
                "{\"type\":\"LOGON\",\"userId\":\"judy\",\"hostId\":\"host-1\",\"at\":\"yesterday\"}"), 400);
        assertProblem(driver.post(service, events, agent, "{\"type\":\"LOGON\",\"userId\":\"judy\",\"hostId\":\""
                + "x".repeat(70_000) + "\"}"), 413);
        assertProblem(driver.post(service, events, null,
                "{\"type\":\"LOGON\",\"userId\":\"judy\",\"hostId\":\"host-1\"}"), 401);
        assertProblem(driver.post(service, events, "not-a-jwt",
                "{\"type\":\"LOGON\",\"userId\":\"judy\",\"hostId\":\"host-1\"}"), 401);
        assertProblem(driver.post(service, events, admin,
                "{\"type\":\"LOGON\",\"userId\":\"judy\",\"hostId\":\"host-1\"}"), 403);
        assertProblem(driver.post(service, events, agent,
                "{\"type\":\"LOGON\",\"userId\":\"mallory\",\"hostId\":\"host-1\"}"), 409);
        assertProblem(driver.get(service, "/api/v1/sessions?state=SLEEPING", admin), 400);
        assertProblem(driver.get(service, "/api/v1/sessions", agent), 403);
        assertProblem(driver.get(service, "/api/v1/sessions", null), 401);
        assertProblem(driver.get(service, "/api/v1/sessions/no-such-session", admin), 404);
        assertProblem(driver.post(service, "/api/v1/sessions/no-such-session/logoff", admin, ""), 404);

        // and nothing changed
        assertThat(driver.stateOf(service, "s-bad")).isEqualTo("PENDING");
        assertThat(driver.sessionRecords("s-bad")).hasSize(1);
    }

    @Test
    @Order(11)
    void operatorsListSessionsAndLogThemOff() {
        // given (allocated first: reports alone create nothing, DESIGN.md 7.8)
        driver.allocation("s-op-1", "kim", POOL, "host-2");
        driver.allocation("s-op-2", "kim", POOL, "host-2");
        await().atMost(DEADLINE).until(() -> driver.session(service, "s-op-2").isPresent()
                && driver.session(service, "s-op-1").isPresent());
        driver.report(service, "s-op-1", "LOGON", "kim", "host-2");
        driver.report(service, "s-op-2", "DISCONNECT", "kim", "host-2");

        // when / then: filters
        assertThat(ids(driver.list(service, "?userId=kim"))).containsExactlyInAnyOrder("s-op-1", "s-op-2");
        assertThat(ids(driver.list(service, "?userId=kim&state=DISCONNECTED"))).containsExactly("s-op-2");
        assertThat(ids(driver.list(service, "?hostId=host-2&poolId=" + POOL + "&state=ACTIVE")))
                .contains("s-op-1").doesNotContain("s-op-2");
        assertThat(ids(driver.list(service, "?poolId=nowhere"))).isEmpty();
        assertThat(ids(driver.list(service, "?state=ENDED"))).contains("s-life", "s-timeout");

        // when an operator logs a session off
        HttpResponse<String> logoff = driver.post(service, "/api/v1/sessions/s-op-1/logoff", driver.adminToken(), "");

        // then a LOGOFF command for host-2 is on berth.host-commands, and the session waits for its agent
        assertThat(logoff.statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.commandRecords("host-2"))
                .singleElement().satisfies(record -> {
                    JsonObject command = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                    assertThat(command.getString("command")).isEqualTo("LOGOFF");
                    assertThat(command.getString("sessionId")).isEqualTo("s-op-1");
                    assertThat(command.getString("hostId")).isEqualTo("host-2");
                    assertThat(command.getInteger("v")).isEqualTo(1);
                }));
        assertThat(driver.stateOf(service, "s-op-1")).isEqualTo("ACTIVE");
        // an ENDED session cannot be logged off again
        assertProblem(driver.post(service, "/api/v1/sessions/s-life/logoff", driver.adminToken(), ""), 409);
    }

    @Test
    @Order(12)
    void metricsCountSessionsByPoolAndStateAndTransitions() {
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics())
                .containsPattern("berth_sessions\\{.*pool=\"pool-a\".*state=\"ACTIVE\".*} [1-9]")
                .containsPattern("berth_session_transitions_total\\{.*from=\"PENDING\".*to=\"ACTIVE\".*} [1-9]"));
    }

    @Test
    @Order(13)
    void aFabricatedLogonCreatesNoSessionAndIsDroppedAfterTheHold() {
        // when host-3's agent reports a logon of "victim" to a session the broker never allocated
        HttpResponse<String> forged = driver.report(service, "s-forged", "LOGON", "victim", "host-3");

        // then it is held, not applied: victim has no session to be reconnected to
        assertThat(forged.statusCode()).isEqualTo(202);
        assertThat(driver.list(service, "?userId=victim")).isEmpty();

        // and once the hold is over it is dropped and counted, still without a session
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "berth_session_reports_dropped_total\\{.*reason=\"expired\".*} [1-9]"));
        assertThat(driver.list(service, "?userId=victim")).isEmpty();
        assertThat(driver.session(service, "s-forged")).isEmpty();
        assertThat(driver.sessionRecords("s-forged")).isEmpty();
    }

    @Test
    @Order(14)
    void aHeldReportForASessionAllocatedToAnotherHostIsDropped() {
        // given host-1's agent claims a session before its allocation is read
        assertThat(driver.report(service, "s-claimed", "LOGON", "olga", "host-1").statusCode()).isEqualTo(202);

        // when the broker allocates that session to host-5
        driver.allocation("s-claimed", "olga", POOL, "host-5");

        // then the claim is dropped and the session waits for host-5's logon
        await().atMost(DEADLINE).until(() -> driver.session(service, "s-claimed").isPresent());
        assertThat(driver.session(service, "s-claimed")).hasValueSatisfying(json -> {
            assertThat(json.getString("state")).isEqualTo("PENDING");
            assertThat(json.getString("hostId")).isEqualTo("host-5");
        });
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(driver.sessionRecords("s-claimed")).singleElement()
                .satisfies(record -> assertThat(record).map(SessionEvent::state).contains(SessionState.PENDING)));
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "berth_session_reports_dropped_total\\{.*reason=\"other_host\".*} [1-9]"));
        // and a report of host-1 for it now, with the session known, is refused
        assertProblem(driver.report(service, "s-claimed", "LOGON", "olga", "host-1"), 403);
    }

    @Test
    @Order(15)
    void aHeartbeatListingASessionNeverAllocatedCreatesNothing() {
        // given a PENDING session on host-3
        driver.allocation("s-real", "pia", POOL, "host-3");
        await().atMost(DEADLINE).until(() -> "PENDING".equals(driver.stateOf(service, "s-real")));

        // when host-3's heartbeat lists it and a session id the broker never allocated
        driver.heartbeat("host-3", POOL, List.of("s-real", "s-ghost"));

        // then only the allocated one is a session
        await().atMost(DEADLINE).until(() -> "ACTIVE".equals(driver.stateOf(service, "s-real")));
        assertThat(driver.session(service, "s-ghost")).isEmpty();
        assertThat(ids(driver.list(service, "?hostId=host-3"))).doesNotContain("s-ghost");
    }

    @Test
    @Order(16)
    void reportsHeldForOneHostAreBounded() {
        // given host-1 already has as many reports waiting as it may (3 in this test)
        for (int i = 1; i <= 3; i++) {
            assertThat(driver.report(service, "s-flood-" + i, "LOGON", "quinn", "host-1").statusCode())
                    .isEqualTo(202);
        }

        // when it sends one more
        HttpResponse<String> overflow = driver.report(service, "s-flood-4", "LOGON", "quinn", "host-1");

        // then it is refused with a delay to retry after, and nothing exists for any of them
        assertProblem(overflow, 429);
        assertThat(overflow.headers().firstValue("Retry-After")).isPresent();
        assertThat(driver.list(service, "?userId=quinn")).isEmpty();
    }

    @Test
    @Order(100)
    void aRestartKeepsEverySessionAndItsState() throws Exception {
        // given every session the other tests left behind
        Map<String, String> before = statesById(driver.list(service, ""));
        assertThat(before).hasSizeGreaterThan(10);

        // when the service restarts
        SessionServiceDriver.stop(service);
        service = driver.start(SETTINGS);

        // then
        assertThat(statesById(driver.list(service, ""))).isEqualTo(before);
        // and it goes on deciding: a session allocated after the restart times out as before
        driver.allocation("s-after-restart", "liz", FAST_POOL, "host-f");
        await().atMost(DEADLINE).until(() -> "ENDED".equals(driver.stateOf(service, "s-after-restart")));
    }

    // ---------------------------------------------------------------- helpers

    private static Optional<SessionEvent> lastRecord(String sessionId) {
        List<Optional<SessionEvent>> records = driver.sessionRecords(sessionId);
        return records.isEmpty() ? Optional.empty() : records.get(records.size() - 1);
    }

    private static String metrics() {
        return driver.get(service, "/metrics", null).body();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("status of %s %s", response.request().method(),
                response.request().uri()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains(Problems.CONTENT_TYPE);
        assertThat(new JsonObject(response.body()).getInteger("status")).isEqualTo(status);
    }

    private static List<String> ids(JsonArray sessions) {
        return sessions.stream().map(json -> ((JsonObject) json).getString("sessionId")).toList();
    }

    private static Map<String, String> statesById(JsonArray sessions) {
        return sessions.stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(json -> json.getString("sessionId"), json -> json.getString("state")));
    }
}
