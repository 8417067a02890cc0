package io.berth.deploy;

import io.berth.common.config.ServiceName;
import io.berth.common.testing.ApiClient;
import io.berth.deploy.kafka.EmbeddedKafkaServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code BERTH_KAFKA_BOOTSTRAP} set the launcher uses that Kafka and starts none of its own. */
class ExternalKafkaIT {

    @TempDir
    Path dataDir;

    @TempDir
    Path otherKafkaDir;

    @Test
    void runsTheServicesAgainstTheNamedKafka() throws Exception {
        // given a Kafka that is not the launcher's
        try (EmbeddedKafkaServer external = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.under(otherKafkaDir, 0))) {
            var env = LauncherTestEnv.env().with(Map.of("BERTH_KAFKA_BOOTSTRAP", external.bootstrapServers()));

            // when
            try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "0"),
                    env, BerthServices.all())) {
                // then the services use it and the launcher started no Kafka of its own
                assertThat(stack.embeddedKafka()).isFalse();
                assertThat(stack.kafkaBootstrapServers()).isEqualTo(external.bootstrapServers());
                assertThat(dataDir.resolve("kafka")).doesNotExist();
                HttpResponse<String> ready = new ApiClient(stack.port(ServiceName.BROKER))
                        .exchange("GET", "/health/ready", null, null);
                assertThat(ready.statusCode()).isEqualTo(200);
            }
        }
    }
}
