package io.berth.common.testing;

import io.berth.common.config.AuthConfig;
import io.berth.common.config.ClusterConfig;
import io.berth.common.config.Env;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Gives a test class a real Kafka broker (KRaft). By default it runs in this JVM from Kafka's own test kit
 * (no Docker needed, starts in seconds); with {@code -Dberth.kafka=testcontainers} it runs Kafka in a
 * container instead. Use as {@code @RegisterExtension static KafkaClusterExtension kafka = new
 * KafkaClusterExtension();}. Each test class gets its own broker, so Berth's fixed topic names never
 * carry data from one class to another.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {

    /** A fixed HS256 secret for tests; never used outside them. */
    public static final String TEST_JWT_SECRET = "test-secret-for-berth-integration-tests-0123456789";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterExtension.class);

    private KafkaClusterTestKit testKit;
    private AutoCloseable container;
    private String bootstrapServers;
    private Path dataDir;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /** Starts the broker (normally done by JUnit before the class's tests). */
    public void start() throws Exception {
        if (bootstrapServers != null) {
            return;
        }
        dataDir = Files.createTempDirectory("berth-test-");
        long started = System.nanoTime();
        if ("testcontainers".equals(System.getProperty("berth.kafka"))) {
            bootstrapServers = TestcontainersKafka.start(this::setContainer);
        } else {
            testKit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "6")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            testKit.format();
            testKit.startup();
            testKit.waitForReadyBrokers();
            bootstrapServers = testKit.bootstrapServers();
        }
        LOG.info("Kafka for tests at {} (started in {} ms)", bootstrapServers, (System.nanoTime() - started) / 1_000_000);
    }

    private void setContainer(AutoCloseable container) {
        this.container = container;
    }

    /** Stops the broker; a test may call it to see how services behave when Kafka is gone. */
    public void stop() throws Exception {
        if (testKit != null) {
            testKit.close();
            testKit = null;
        }
        if (container != null) {
            container.close();
            container = null;
        }
        bootstrapServers = null;
    }

    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("Kafka is not running");
        }
        return bootstrapServers;
    }

    public KafkaConfig kafkaConfig() {
        return new KafkaConfig(bootstrapServers(), 6, (short) 1);
    }

    /** A temporary data directory for this test class's services. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * A service's configuration against this broker: an ephemeral HTTP port on 127.0.0.1, the test
     * secret, a unique JGroups cluster name (so parallel test classes never join each other).
     */
    public ServiceConfig serviceConfig(ServiceName service) {
        return serviceConfig(service, Map.of());
    }

    public ServiceConfig serviceConfig(ServiceName service, Map<String, String> env) {
        Env base = Env.of(Map.of(
                KafkaConfig.BOOTSTRAP, bootstrapServers(),
                AuthConfig.SECRET, TEST_JWT_SECRET,
                ClusterConfig.NAME, "berth-test-" + UUID.randomUUID(),
                ServiceConfig.DATA_DIR, dataDir.toString())).with(env);
        ServiceConfig config = ServiceConfig.load(service, base, false);
        Optional<String> port = base.get(service.envPrefix() + "_HTTP_PORT");
        return port.isPresent() ? config : config.withHttp(new HttpConfig("127.0.0.1", 0));
    }
}
