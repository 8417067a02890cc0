package io.berth.common.runtime;

import io.berth.common.config.ServiceName;
import io.berth.common.http.ApiContract;
import io.berth.common.kafka.TopicReader;
import io.berth.common.kafka.Topics;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A service started by the runtime creates the topics, serves the management routes and gets ready. */
class ServiceRuntimeIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    /** The smallest service: one replaying reader that readiness waits for. */
    static final class ProbeVerticle extends BerthVerticle {
        private TopicReader reader;

        ProbeVerticle(ServiceContext context) {
            super(context);
        }

        @Override
        public Future<?> start() {
            reader = TopicReader.replay(vertx, serviceConfig().kafka(), "probe", Topics.CONFIG)
                    .metrics(registry())
                    .handler(batch -> null)
                    .start();
            readiness().require("berth.config caught up", reader::isCaughtUp);
            return blocking(() -> ApiContract.load(vertx, "openapi/test-service.yaml"))
                    .compose(contract -> listen(apiRouter(contract)));
        }

        @Override
        public Future<?> stop() throws Exception {
            reader.close();
            return super.stop();
        }
    }

    @Test
    void startsCreatesTopicsAndServesHealthAndMetrics() throws Exception {
        RunningService service = ServiceUnderTest.startUnready(kafka.serviceConfig(ServiceName.SESSION), ProbeVerticle::new);
        Vertx client = Vertx.vertx();
        try {
            WebClient web = WebClient.create(client);
            int port = service.httpPort();

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains(Topics.CONFIG, Topics.HOST_HEALTH, Topics.ALLOCATIONS, Topics.SESSIONS,
                                Topics.HOST_COMMANDS);
            }
            assertThat(web.get(port, "127.0.0.1", "/health/live").send().await().statusCode()).isEqualTo(200);
            ServiceUnderTest.awaitReady(port, Duration.ofSeconds(30));
            String metrics = web.get(port, "127.0.0.1", "/metrics").send().await().bodyAsString();
            assertThat(metrics).contains("vertx_http_server", "berth_consumer_lag", "jvm_memory_used_bytes",
                    "service=\"session-service\"");
        } finally {
            client.close().await();
            service.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoServicesInOneJvmEachReportTheirOwnHttpServerMetrics() throws Exception {
        // given two services in one JVM, as in the single-machine launcher
        RunningService inventory = ServiceRuntime.start(kafka.serviceConfig(ServiceName.INVENTORY), ProbeVerticle::new)
                .await(60, TimeUnit.SECONDS);
        RunningService session = ServiceRuntime.start(kafka.serviceConfig(ServiceName.SESSION), ProbeVerticle::new)
                .await(60, TimeUnit.SECONDS);
        Vertx client = Vertx.vertx();
        try {
            WebClient web = WebClient.create(client);

            // when each answers requests
            for (int i = 0; i < 3; i++) {
                assertThat(web.get(inventory.httpPort(), "127.0.0.1", "/health/live").send().await().statusCode())
                        .isEqualTo(200);
                assertThat(web.get(session.httpPort(), "127.0.0.1", "/health/live").send().await().statusCode())
                        .isEqualTo(200);
            }

            // then each one's /metrics holds its own HTTP server requests, under its own service label only
            String inventoryMetrics = web.get(inventory.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString();
            String sessionMetrics = web.get(session.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString();
            assertThat(httpServerRequestLines(inventoryMetrics))
                    .isNotEmpty()
                    .allMatch(line -> line.contains("service=\"inventory-service\""));
            assertThat(httpServerRequestLines(sessionMetrics))
                    .isNotEmpty()
                    .allMatch(line -> line.contains("service=\"session-service\""));

            // and closing one leaves the other's metrics working
            inventory.close().await(30, TimeUnit.SECONDS);
            assertThat(web.get(session.httpPort(), "127.0.0.1", "/health/live").send().await().statusCode())
                    .isEqualTo(200);
            assertThat(httpServerRequestLines(
                    web.get(session.httpPort(), "127.0.0.1", "/metrics").send().await().bodyAsString()))
                    .isNotEmpty();
        } finally {
            client.close().await();
            session.close().await(30, TimeUnit.SECONDS);
            inventory.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static java.util.List<String> httpServerRequestLines(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("vertx_http_server_requests_total{")).toList();
    }
}
