package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.StoredAnswer;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.common.config.ClusterConfig;
import org.awaitility.Awaitility;
import org.infinispan.Cache;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idempotency cache of a real broker node stays under its bound however many keys arrive, and counts what it
 * evicts.
 */
class BrokerIdempotencyBoundIT {

    @Test
    void aHundredThousandKeysStayUnderTheBound() {
        // given a node whose idempotency cache holds at most 20,000 keys
        int port = BrokerNodes.freePorts(1)[0];
        BrokerSettings defaults = new BrokerSettings("127.0.0.1", port, "127.0.0.1[" + port + "]", 100,
                Optional.empty(), 300, "it");
        BrokerSettings bounded = defaults.withIdempotencyMaxKeys(20_000);
        try (BrokerCaches caches = BrokerCaches.start(new ClusterConfig("berth-bound-it-" + UUID.randomUUID(),
                Optional.empty(), "bound-0"), bounded, ClusterSecret.ofPassphrase("bound-it-" + UUID.randomUUID()))) {
            Cache<String, StoredAnswer> idempotency = caches.idempotency();

            // when 100,000 keys are stored, each as a connect stores its answer (256-character user ids)
            String user = "u".repeat(256);
            for (int i = 0; i < 100_000; i++) {
                idempotency.put(IdempotentConnects.idempotencyCacheKey("gateway", "key-" + i),
                        new StoredAnswer(user, "desk", UUID.randomUUID().toString(), "host-" + (i % 500) + ".corp",
                                "pool-1", false, 1_000 + i), BrokerCaches.IDEMPOTENCY_MINUTES, TimeUnit.MINUTES);
            }

            // then the cache holds at most its bound, and the evictions are counted
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(idempotency.size()).isLessThanOrEqualTo(20_000);
                assertThat(caches.idempotencyEvictions()).isGreaterThanOrEqualTo(80_000);
            });
            assertThat(idempotency.get(IdempotentConnects.idempotencyCacheKey("gateway", "key-99999")))
                    .as("the newest key is kept").isNotNull();
        }
    }
}
