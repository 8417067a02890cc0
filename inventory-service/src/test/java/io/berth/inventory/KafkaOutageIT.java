package io.berth.inventory;

import io.berth.common.config.ServiceName;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.ApiClient;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.berth.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When Kafka does not take a change, the API answers 503 and the inventory keeps what Kafka holds. */
class KafkaOutageIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    @Test
    void aChangeKafkaRefusesIsA503AndChangesNothing() throws Exception {
        // given a running inventory with a pool
        RunningService service = ServiceUnderTest.start(kafka.serviceConfig(ServiceName.INVENTORY), InventoryVerticle::new);
        try {
            ApiClient api = new ApiClient(service.httpPort());
            String admin = new TestTokens(service.vertx()).admin();
            JsonObject pool = new JsonObject().put("type", "POOLED").put("loadBalancer", "BREADTH_FIRST")
                    .put("maxSessionsPerHost", 5).put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false);
            assertThat(api.put("/api/v1/hostpools/steady", admin, pool).status()).isEqualTo(200);

            // when Kafka goes away and the pool is changed
            kafka.stop();
            long asked = System.nanoTime();
            ApiClient.Answer refused = api.put("/api/v1/hostpools/steady", admin, pool.copy().put("maxSessionsPerHost", 9));
            Duration answeredIn = Duration.ofNanos(System.nanoTime() - asked);

            // then the change is refused with a problem and the pool is as before
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(api.get("/api/v1/hostpools/steady", admin).json().getInteger("maxSessionsPerHost")).isEqualTo(5);
            assertThat(api.get("/metrics", null).body()).containsPattern("berth_publish_failures_total\\{[^}]*} [1-9]");
            // within 10 s, saying why and when to retry (DESIGN.md 7.1), and so is every later write
            assertThat(answeredIn).isLessThan(Duration.ofSeconds(10));
            assertThat(refused.retryAfter()).isNotNull();
            assertThat(refused.json().getString("detail")).contains("Kafka unavailable");
            long askedAgain = System.nanoTime();
            ApiClient.Answer again = api.put("/api/v1/hostpools/other", admin, pool);
            assertThat(Duration.ofNanos(System.nanoTime() - askedAgain)).isLessThan(Duration.ofSeconds(10));
            assertThat(again.status()).isEqualTo(503);
            assertThat(again.retryAfter()).isNotNull();
            assertThat(again.json().getString("detail")).contains("Kafka unavailable");
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }
}
