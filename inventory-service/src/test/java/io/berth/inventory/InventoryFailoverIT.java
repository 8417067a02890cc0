package io.berth.inventory;

import io.berth.common.config.AuthConfig;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two inventory instances (DESIGN.md 7.1): writes are accepted through either, and when the writer is
 * killed with SIGKILL — a process of its own, so nothing of it says goodbye — the other takes over within
 * seconds and nothing acknowledged is lost.
 */
class InventoryFailoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryFailoverIT.class);
    private static final Pattern WRITER_GAUGE = Pattern.compile("(?m)^berth_inventory_writer\\{[^}]*} (\\S+)$");

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static JsonObject pool() {
        return new JsonObject().put("type", "POOLED").put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 5)
                .put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false).put("heartbeatSeconds", 30);
    }

    private static JsonObject heartbeat(String hostId) {
        return new JsonObject().put("hostId", hostId).put("status", "AVAILABLE").put("sessionIds", new JsonArray())
                .put("healthChecks", new JsonArray());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@link Main} in a JVM of its own against the test broker. */
    private static Process startInstanceProcess(int port) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", classPath, Main.class.getName());
        builder.environment().put(KafkaConfig.BOOTSTRAP, kafka.bootstrapServers());
        builder.environment().put(AuthConfig.SECRET, KafkaClusterExtension.TEST_JWT_SECRET);
        builder.environment().put(ServiceConfig.DATA_DIR, kafka.dataDir().toString());
        builder.environment().put(HttpConfig.HOST, "127.0.0.1");
        builder.environment().put(ServiceName.INVENTORY.envPrefix() + "_HTTP_PORT", String.valueOf(port));
        builder.redirectErrorStream(true).redirectOutput(new File("target/inventory-failover-child.log"));
        return builder.start();
    }

    private static double writerGauge(ApiClient api) {
        Matcher matcher = WRITER_GAUGE.matcher(api.get("/metrics", null).body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    @Test
    void killingTheWriterLosesNoAcknowledgedWriteAndTheOtherInstanceTakesOverInSeconds() throws Exception {
        // given a first instance in a process of its own, which becomes the writer
        int firstPort = freePort();
        Process first = startInstanceProcess(firstPort);
        RunningService second = null;
        try {
            ApiClient firstApi = new ApiClient(firstPort);
            ServiceUnderTest.awaitReady(firstPort, Duration.ofSeconds(120));
            assertThat(writerGauge(firstApi)).isEqualTo(1.0);

            // and a second instance in this JVM, which follows it
            second = ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY), InventoryVerticle::new);
            ApiClient secondApi = new ApiClient(second.httpPort());
            assertThat(writerGauge(secondApi)).isEqualTo(0.0);
            TestTokens tokens = new TestTokens(second.vertx());
            String admin = tokens.admin();

            // when admin, registration and heartbeat writes go through either instance
            assertThat(secondApi.put("/api/v1/hostpools/ha", admin, pool()).status()).isEqualTo(200);
            assertThat(firstApi.put("/api/v1/hostpools/other", admin, pool()).status()).isEqualTo(200);
            String token = secondApi.post("/api/v1/hostpools/ha/registration-tokens", admin,
                    new JsonObject().put("ttlSeconds", 600)).json().getString("token");
            ApiClient.Answer registered = secondApi.post("/api/v1/agent/register", null,
                    new JsonObject().put("registrationToken", token).put("hostName", "vm-h1"));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            String agent = registered.json().getString("agentToken");
            assertThat(secondApi.post("/api/v1/agent/heartbeat", agent, heartbeat("vm-h1")).status()).isEqualTo(200);
            assertThat(firstApi.patch("/api/v1/hosts/vm-h1", admin, new JsonObject().put("allowNewSessions", false))
                    .status()).isEqualTo(200);
            String otherToken = firstApi.post("/api/v1/hostpools/other/registration-tokens", admin,
                    new JsonObject().put("ttlSeconds", 600)).json().getString("token");
            ApiClient.Answer takeover = secondApi.post("/api/v1/agent/register", null,
                    new JsonObject().put("registrationToken", otherToken).put("hostName", "vm-h1"));
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ApiClient api = i % 2 == 0 ? firstApi : secondApi;
                if (api.put("/api/v1/hostpools/before-" + i, admin, pool()).status() == 200) {
                    acknowledged.add("before-" + i);
                }
            }

            // then both answered every write, a takeover of the host is refused through the follower too,
            // and the follower reads what the writer wrote
            assertThat(acknowledged).hasSize(10);
            assertThat(takeover.status()).as(takeover.body()).isEqualTo(409);
            assertThat(takeover.contentType()).startsWith("application/problem+json");
            await().atMost(Duration.ofSeconds(15)).until(() -> secondApi.get("/api/v1/hosts/vm-h1", admin).status() == 200
                    && !secondApi.get("/api/v1/hosts/vm-h1", admin).json().getBoolean("allowNewSessions")
                    && secondApi.get("/api/v1/hostpools/before-9", admin).status() == 200);

            // when the writer is killed (SIGKILL) and a client keeps writing through the survivor
            long killedAt = System.nanoTime();
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long[] tookOverAt = {0};
            int[] attempt = {0};
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String poolId = "after-" + attempt[0]++;
                ApiClient.Answer answer = secondApi.put("/api/v1/hostpools/" + poolId, admin, pool());
                if (answer.status() == 200) {
                    acknowledged.add(poolId);
                    if (tookOverAt[0] == 0) {
                        tookOverAt[0] = System.nanoTime();
                    }
                } else {
                    assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                    assertThat(answer.contentType()).startsWith("application/problem+json");
                }
                return acknowledged.stream().filter(id -> id.startsWith("after-")).count() >= 5;
            });
            Duration failover = Duration.ofNanos(tookOverAt[0] - killedAt);
            LOG.info("Writes were accepted again {} ms after the writer was killed", failover.toMillis());

            // then the survivor is the writer within seconds, every acknowledged write is there, and the agent
            // keeps working with the token the killed instance issued
            assertThat(failover).isLessThan(Duration.ofSeconds(20));
            assertThat(writerGauge(secondApi)).isEqualTo(1.0);
            List<String> pools = secondApi.get("/api/v1/hostpools", admin).array().stream()
                    .map(JsonObject.class::cast).map(p -> p.getString("poolId")).toList();
            assertThat(pools).containsAll(acknowledged).contains("ha", "other");
            assertThat(secondApi.get("/api/v1/hosts/vm-h1", admin).json().getBoolean("allowNewSessions")).isFalse();
            assertThat(secondApi.post("/api/v1/agent/heartbeat", agent, heartbeat("vm-h1")).status()).isEqualTo(200);
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            if (second != null) {
                second.close().await(60, TimeUnit.SECONDS);
            }
        }
    }
}
