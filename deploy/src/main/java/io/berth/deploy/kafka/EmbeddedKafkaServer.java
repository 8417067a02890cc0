package io.berth.deploy.kafka;

import io.berth.common.config.Env;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's own server, in KRaft mode (one node that is both broker and controller), running in this JVM
 * with its log directory under the launcher's data directory. The storage is formatted once, on the first
 * start (the cluster id then lives in {@code meta.properties}); later starts on the same directory find
 * every record acknowledged before.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    /** The node id of the single combined broker and controller. */
    public static final int NODE_ID = 1;
    public static final int DEFAULT_PORT = 9092;
    public static final String PORT_ENV = "BERTH_KAFKA_PORT";
    public static final String CONTROLLER_PORT_ENV = "BERTH_KAFKA_CONTROLLER_PORT";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final String HOST = "127.0.0.1";

    /**
     * Where the server keeps its data and which ports it binds. Port 0 (for either) picks a free port
     * at start, which tests use to stay clear of a launcher running on the default ports.
     */
    public record Settings(Path logDir, int port, int controllerPort) {

        public Settings {
            if (port < 0 || port > 65535 || controllerPort < 0 || controllerPort > 65535) {
                throw new IllegalArgumentException("ports must be between 0 and 65535");
            }
        }

        /** The launcher's layout: {@code <dataDir>/kafka}, the client port, the controller port next to it. */
        public static Settings under(Path dataDir, int port) {
            return new Settings(dataDir.resolve("kafka"), port, port == 0 ? 0 : port + 1);
        }

        /** {@link #under} with the ports {@value #PORT_ENV} and {@value #CONTROLLER_PORT_ENV} ask for. */
        public static Settings from(Env env, Path dataDir) {
            Settings settings = under(dataDir, env.integer(PORT_ENV, DEFAULT_PORT, 0, 65534));
            return settings.withControllerPort(env.integer(CONTROLLER_PORT_ENV, settings.controllerPort(), 0, 65535));
        }

        public Settings withControllerPort(int controllerPort) {
            return new Settings(logDir, port, controllerPort);
        }
    }

    private final int port;
    private final KafkaRaftServer server;
    private volatile boolean stopped;

    private EmbeddedKafkaServer(int port, KafkaRaftServer server) {
        this.port = port;
        this.server = server;
    }

    /**
     * Formats the log directory if it has never been formatted, starts the server and waits until it
     * answers clients. Throws {@link KafkaStartException} with the reason when it cannot start.
     */
    public static EmbeddedKafkaServer start(Settings settings) {
        long startedAt = System.nanoTime();
        int port = settings.port() == 0 ? freePort() : settings.port();
        int controllerPort = settings.controllerPort() == 0 ? freePort() : settings.controllerPort();
        Properties props = serverProperties(settings.logDir(), port, controllerPort);
        KafkaConfig config;
        try {
            Files.createDirectories(settings.logDir());
            config = KafkaConfig.fromProps(props, false);
        } catch (IOException e) {
            throw new KafkaStartException("cannot create the Kafka log directory " + settings.logDir(), e);
        } catch (RuntimeException e) {
            throw new KafkaStartException("invalid Kafka configuration: " + e.getMessage(), e);
        }
        String clusterId = formatIfNeeded(settings.logDir());
        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (RuntimeException e) {
            throw new KafkaStartException("Kafka did not start on " + HOST + ":" + port + " (controller "
                    + controllerPort + "): " + rootMessage(e), e);
        }
        EmbeddedKafkaServer embedded = new EmbeddedKafkaServer(port, server);
        try {
            embedded.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
        LOG.info("Kafka (KRaft, cluster {}) listening on {} with data in {}, started in {} ms", clusterId,
                embedded.bootstrapServers(), settings.logDir(), (System.nanoTime() - startedAt) / 1_000_000);
        return embedded;
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Stops the broker and controller, flushing and closing the logs, and waits until they have stopped. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        long stoppingAt = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka did not stop cleanly", e);
        }
        LOG.info("Kafka stopped in {} ms", (System.nanoTime() - stoppingAt) / 1_000_000);
    }

    static Properties serverProperties(Path logDir, int port, int controllerPort) {
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                // A static voter set: the controller's address is configuration, so the ports may change
                // from one start to the next on the same data.
                Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
                Map.entry("num.partitions", "1"),
                // Berth's services create their topics; a typo in a topic name must fail, not create one.
                Map.entry("auto.create.topics.enable", "false"),
                // One node: every internal topic has one replica, and consumers join at once.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "6"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "6"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("default.replication.factor", "1"),
                // A laptop, not a data centre: a smaller log segment for a small demo, and few threads. With one
                // network thread and two request handlers, a busy handler takes the next request from the queue
                // instead of a sleeping one being woken for it (2 and 4 cost ~10 % more CPU per connect at 400/s on 2 cores).
                Map.entry("num.network.threads", "1"),
                Map.entry("num.io.threads", "2"),
                Map.entry("num.recovery.threads.per.data.dir", "1"),
                Map.entry("log.segment.bytes", String.valueOf(64 * 1024 * 1024))));
        return props;
    }

    /** Formats the storage once; returns the cluster id (new, or the one already recorded). */
    private static String formatIfNeeded(Path logDir) {
        Path metaProperties = logDir.resolve("meta.properties");
        if (Files.exists(metaProperties)) {
            try {
                Properties meta = new Properties();
                try (var in = Files.newInputStream(metaProperties)) {
                    meta.load(in);
                }
                return meta.getProperty("cluster.id", "?");
            } catch (IOException e) {
                throw new KafkaStartException("cannot read " + metaProperties, e);
            }
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .addDirectory(logDir.toAbsolutePath().toString())
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .run();
        } catch (Exception e) {
            throw new KafkaStartException("cannot format the Kafka storage in " + logDir + ": " + rootMessage(e), e);
        }
        LOG.info("Formatted Kafka storage in {} (cluster {}): {}", logDir, clusterId,
                output.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    private void awaitReady(Duration timeout) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "berth-local-kafka-check");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while waiting for Kafka", e);
        } catch (Exception e) {
            throw new KafkaStartException("Kafka did not answer on " + bootstrapServers() + " within "
                    + timeout.toSeconds() + " s: " + rootMessage(e), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** Kafka could not be formatted or started; the message says why. */
    public static final class KafkaStartException extends RuntimeException {
        public KafkaStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
