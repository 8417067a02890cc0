package io.berth.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceConfigTest {

    @TempDir
    Path dataDir;

    private Env env(Map<String, String> values) {
        return Env.of(Map.of(ServiceConfig.DATA_DIR, dataDir.toString())).with(values);
    }

    @Test
    void defaultsServeOneMachine() {
        ServiceConfig broker = ServiceConfig.load(ServiceName.BROKER, env(Map.of()));
        ServiceConfig inventory = ServiceConfig.load(ServiceName.INVENTORY, env(Map.of()));
        ServiceConfig session = ServiceConfig.load(ServiceName.SESSION, env(Map.of()));

        assertThat(broker.http().port()).isEqualTo(8080);
        assertThat(inventory.http().port()).isEqualTo(8081);
        assertThat(session.http().port()).isEqualTo(8082);
        assertThat(broker.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(broker.cluster().clusterName()).isEqualTo("berth");
        assertThat(broker.cluster().jgroupsConfig()).isEmpty();
    }

    @Test
    void environmentOverridesDefaults() {
        ServiceConfig config = ServiceConfig.load(ServiceName.BROKER, env(Map.of(
                "BERTH_KAFKA_BOOTSTRAP", "kafka-0:9092,kafka-1:9092",
                "BERTH_HTTP_PORT", "9000",
                "BERTH_CLUSTER_NAME", "prod",
                "BERTH_JGROUPS_CONFIG", "jgroups-kubernetes.xml",
                "BERTH_TOPIC_PARTITIONS", "12")));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
        assertThat(config.kafka().topicPartitions()).isEqualTo(12);
        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.cluster().clusterName()).isEqualTo("prod");
        assertThat(config.cluster().jgroupsConfig()).contains("jgroups-kubernetes.xml");
    }

    @Test
    void serviceSpecificPortWinsAndTheGenericOneIsIgnoredWhenServicesShareAProcess() {
        Env values = env(Map.of("BERTH_HTTP_PORT", "9000", "BERTH_SESSION_HTTP_PORT", "9100"));

        assertThat(ServiceConfig.load(ServiceName.SESSION, values).http().port()).isEqualTo(9100);
        assertThat(ServiceConfig.load(ServiceName.BROKER, values, false).http().port()).isEqualTo(8080);
    }

    @Test
    void invalidValuesNameTheVariable() {
        assertThatThrownBy(() -> ServiceConfig.load(ServiceName.BROKER, env(Map.of("BERTH_HTTP_PORT", "eighty"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BERTH_HTTP_PORT");
        assertThatThrownBy(() -> ServiceConfig.load(ServiceName.BROKER, env(Map.of("BERTH_HTTP_PORT", "70000"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BERTH_HTTP_PORT");
        assertThatThrownBy(() -> ServiceConfig.load(ServiceName.BROKER, env(Map.of("BERTH_KAFKA_BOOTSTRAP", "nohost"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BERTH_KAFKA_BOOTSTRAP");
        assertThatThrownBy(() -> ServiceConfig.load(ServiceName.BROKER, env(Map.of("BERTH_JWT_SECRET", "short"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BERTH_JWT_SECRET");
        assertThatThrownBy(() -> ServiceConfig.load(ServiceName.BROKER, env(Map.of("BERTH_JWT_PUBLIC_KEY", "abc"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BERTH_JWT_PUBLIC_KEY");
    }

    @Test
    void withoutASecretEveryServiceOfOneMachineSharesOneCreatedOnce() throws Exception {
        ServiceConfig first = ServiceConfig.load(ServiceName.BROKER, env(Map.of()));
        ServiceConfig second = ServiceConfig.load(ServiceName.SESSION, env(Map.of()));

        assertThat(first.auth().hmacSecret()).isPresent();
        assertThat(second.auth().hmacSecret()).isEqualTo(first.auth().hmacSecret());
        assertThat(Files.readString(dataDir.resolve("jwt-secret")).trim()).isEqualTo(first.auth().hmacSecret().get());
        assertThat(first.auth().toString()).doesNotContain(first.auth().hmacSecret().get());
    }
}
