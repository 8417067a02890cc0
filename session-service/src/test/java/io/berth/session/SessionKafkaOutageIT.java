package io.berth.session;

import io.berth.common.http.Problems;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka unreachable (DESIGN.md 7.1): every write path of the session service answers {@code 503} with
 * {@code Retry-After} and a problem saying Kafka is unavailable within 10 s, and changes nothing. The test stops
 * its own broker, so it has a class of its own.
 */
class SessionKafkaOutageIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private static SessionServiceDriver driver;
    private static RunningService service;

    @AfterAll
    static void stopEverything() throws Exception {
        SessionServiceDriver.stop(service);
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void whileKafkaIsUnreachableWritesAnswer503WithinTenSecondsAndChangeNothing() throws Exception {
        // given a PENDING session
        driver = new SessionServiceDriver(kafka);
        driver.pool("pool-a", 30, 600);
        driver.registration("host-1", "pool-a");
        service = driver.start(new SessionSettings(Duration.ofHours(24), Duration.ofMillis(100)));
        driver.allocation("s1", "alice", "pool-a", "host-1");
        await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(driver.stateOf(service, "s1")));
        String agent = driver.agentToken("host-1");
        String admin = driver.adminToken();

        // when Kafka goes away
        kafka.stop();

        // then the agent's logon and the operator's logoff are refused in time, and the session did not move
        JsonObject logon = new JsonObject().put("type", "LOGON").put("userId", "alice").put("hostId", "host-1");
        assertKafkaUnavailable(() -> driver.report(service, "s1", agent, logon));
        assertKafkaUnavailable(() -> driver.post(service, "/api/v1/sessions/s1/logoff", admin, ""));
        assertThat(driver.stateOf(service, "s1")).isEqualTo("PENDING");
    }

    private static void assertKafkaUnavailable(java.util.function.Supplier<HttpResponse<String>> call) {
        long started = System.nanoTime();
        HttpResponse<String> response = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("answered after").isLessThan(ANSWER_WITHIN);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).contains(Problems.CONTENT_TYPE);
        assertThat(new JsonObject(response.body()).getString("detail")).contains("Kafka unavailable");
    }
}
