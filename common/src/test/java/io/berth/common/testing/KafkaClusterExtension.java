package io.berth.common.testing;

import io.berth.common.config.AuthConfig;
import io.berth.common.config.ClusterConfig;
import io.berth.common.config.Env;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.config.KafkaSecurity;
import io.berth.common.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Gives a test class a real Kafka broker (KRaft). By default it runs in this JVM from Kafka's own test kit
 * (no Docker needed, starts in seconds); with {@code -Dberth.kafka=testcontainers} it runs Kafka in a
 * container instead. Use as {@code @RegisterExtension static KafkaClusterExtension kafka = new
 * KafkaClusterExtension();}. Each test class gets its own broker, so Berth's fixed topic names never
 * carry data from one class to another.
 *
 * <p>{@link #withScramAuthentication()} gives a broker (always in-JVM) whose listeners require SASL
 * (SCRAM-SHA-512 for Berth's users, PLAIN for the test kit's super user) and whose authorizer refuses
 * whatever no ACL allows: the shape of a production Kafka, for tests of credentials and ACLs.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {

    /** A fixed HS256 secret for tests; never used outside them. */
    public static final String TEST_JWT_SECRET = "test-secret-for-berth-integration-tests-0123456789";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterExtension.class);

    /** The test kit's super user (SASL PLAIN): creates users, ACLs and topics in the secured broker. */
    private static final String SUPER_USER = JaasUtils.KAFKA_PLAIN_ADMIN;
    private static final String SUPER_USER_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    private final boolean scram;
    private KafkaClusterTestKit testKit;
    private AutoCloseable container;
    private String bootstrapServers;
    private Path dataDir;

    public KafkaClusterExtension() {
        this(false);
    }

    private KafkaClusterExtension(boolean scram) {
        this.scram = scram;
    }

    /** A broker that authenticates every client (SASL) and authorizes every request (ACLs, deny by default). */
    public static KafkaClusterExtension withScramAuthentication() {
        return new KafkaClusterExtension(true);
    }

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
        if ("testcontainers".equals(System.getProperty("berth.kafka")) && !scram) {
            bootstrapServers = TestcontainersKafka.start(this::setContainer);
        } else {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1);
            if (scram) {
                nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                        .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
            if (scram) {
                // The test kit writes a JAAS file with its PLAIN super user and turns on StandardAuthorizer with
                // allow.everyone.if.no.acl.found=false; SCRAM is added for the users the tests create.
                builder.setConfigProp(BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG, "PLAIN,SCRAM-SHA-512");
            }
            testKit = builder
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

    /** A configuration that authenticates as {@code user} with SCRAM-SHA-512 (see {@link #addScramUser}). */
    public KafkaConfig kafkaConfig(String user, String password) {
        return kafkaConfig().withSecurity(KafkaSecurity.sasl("SASL_PLAINTEXT", "SCRAM-SHA-512", user, password));
    }

    /** An admin client of the secured broker's super user: for creating users, ACLs and topics in tests. */
    public Admin superUserAdmin() {
        if (!scram) {
            throw new IllegalStateException("only a broker made withScramAuthentication() has a super user");
        }
        return Admin.create(KafkaClients.adminProps(kafkaConfig().withSecurity(
                KafkaSecurity.sasl("SASL_PLAINTEXT", "PLAIN", SUPER_USER, SUPER_USER_PASSWORD)), "berth-test-super-user"));
    }

    /** Creates (or replaces) a SCRAM-SHA-512 user in the secured broker. */
    public void addScramUser(String user, String password) throws Exception {
        try (Admin admin = superUserAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
        }
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
        return port.isPresent() ? config : config.withHttp(config.http().withAddress("127.0.0.1", 0));
    }
}
