package io.berth.faults.topology;

import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Berth's real topology as separate OS processes on this machine: Kafka (the launcher's embedded server run
 * alone, {@code StandaloneKafka}), N inventory instances, one session instance and three broker nodes whose
 * JGroups binds 127.0.0.1, 127.0.0.2 and 127.0.0.3, each from the jar the reactor built. Every process is
 * killed when the topology closes, or by a JVM shutdown hook if the suite itself is stopped.
 */
public final class Topology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final int BROKERS = 3;
    /** JGroups' failure detection listens on the TCP port + this offset (the broker's default). */
    public static final int JGROUPS_FD_OFFSET = 100;
    private static final List<String> SERVICE_JVM = List.of(
            // Seven JVMs share two cores with other builds: a small heap, a serial collector, and no C2
            // compiler burning CPU on code that runs for a few minutes.
            "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    /** What to start and where. */
    public record Settings(Path repositoryRoot, Path workDir, int inventoryInstances) {
    }

    /** A broker node: its JGroups address and its HTTP port (on 127.0.0.1). */
    public record BrokerNode(String name, String jgroupsAddress, int httpPort, ServiceProcess process) {
    }

    /** An inventory instance and its HTTP port. */
    public record InventoryInstance(String name, int httpPort, ServiceProcess process) {
    }

    private final Settings settings;
    private final String jwtSecret;
    private final int kafkaPort;
    private final int jgroupsPort;
    private final ServiceProcess kafka;
    private final List<InventoryInstance> inventories = new ArrayList<>();
    private final ServiceProcess session;
    private final int sessionPort;
    private final List<BrokerNode> brokers = new ArrayList<>();
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Topology(Settings settings) {
        this.settings = settings;
        this.jwtSecret = randomBase64Url(48);
        this.kafkaPort = freePort("127.0.0.1");
        this.jgroupsPort = freeJGroupsPort();
        Path work = settings.workDir();
        Path root = settings.repositoryRoot();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Map<String, String> kafkaEnv = Map.of(
                "BERTH_DATA_DIR", work.resolve("kafka-data").toString(),
                "BERTH_KAFKA_PORT", String.valueOf(kafkaPort),
                "BERTH_KAFKA_CONTROLLER_PORT", String.valueOf(freePort("127.0.0.1")));
        this.kafka = new ServiceProcess("kafka", List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", jar(root, "deploy", "berth-local").toString(),
                "io.berth.deploy.kafka.StandaloneKafka"), kafkaEnv, work.resolve("logs/kafka.log"));

        for (int i = 1; i <= settings.inventoryInstances(); i++) {
            int port = freePort("127.0.0.1");
            String name = "inventory-" + i;
            inventories.add(new InventoryInstance(name, port, service(java, jar(root, "inventory-service",
                    "berth-inventory-service"), name, serviceEnv(name, port), work, List.of())));
        }
        this.sessionPort = freePort("127.0.0.1");
        this.session = service(java, jar(root, "session-service", "berth-session-service"), "session",
                serviceEnv("session", sessionPort), work, List.of());

        Path ticketKey = work.resolve("ticket-key");
        writeTicketKey(ticketKey);
        String clusterSecret = String.format("%016x%016x", ThreadLocalRandom.current().nextLong(),
                ThreadLocalRandom.current().nextLong());
        String clusterName = "berth-faults-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String initialHosts = IntStream.rangeClosed(1, BROKERS)
                .mapToObj(i -> address(i) + "[" + jgroupsPort + "]").collect(Collectors.joining(","));
        for (int i = 1; i <= BROKERS; i++) {
            int port = freePort("127.0.0.1");
            String name = "broker-" + i;
            Map<String, String> env = new HashMap<>(serviceEnv(name, port));
            env.put("BERTH_NODE_NAME", name);
            env.put("BERTH_CLUSTER_NAME", clusterName);
            env.put("BERTH_JGROUPS_BIND_ADDRESS", address(i));
            env.put("BERTH_JGROUPS_PORT", String.valueOf(jgroupsPort));
            env.put("BERTH_JGROUPS_INITIAL_HOSTS", initialHosts);
            env.put("BERTH_TICKET_KEY_FILE", ticketKey.toString());
            // Every node of one cluster shares its secret (JGroups AUTH + SYM_ENCRYPT); the shipped stack binds
            // every JGroups socket, client side and FD_SOCK2 included, to BERTH_JGROUPS_BIND_ADDRESS, so node 3's
            // traffic leaves from 127.0.0.3 and a partition by address cuts exactly its links.
            env.put("BERTH_CLUSTER_SECRET", clusterSecret);
            brokers.add(new BrokerNode(name, address(i), port, service(java,
                    jar(root, "broker-service", "berth-broker-service"), name, env, work, List.of())));
        }
        this.shutdownHook = new Thread(this::killEverything, "fault-topology-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts Kafka, then the inventory and session instances, then broker 1 and, once it is ready, brokers
     * 2 and 3 (so they join its cluster instead of racing to form their own); returns once every service's
     * {@code /health/ready} answers 200.
     */
    public static Topology start(Settings settings) {
        Topology topology = new Topology(settings);
        try {
            topology.startKafka();
            // One service first, so that it creates the topics: services racing to create them on a fresh
            // Kafka can miss the new topics' metadata and exit.
            InventoryInstance first = topology.inventories.get(0);
            first.process().start();
            topology.awaitReady(first.httpPort(), first.name());
            topology.inventories.subList(1, topology.inventories.size()).forEach(instance -> instance.process().start());
            topology.session.start();
            topology.brokers.get(0).process().start();
            topology.awaitReady(topology.brokers.get(0).httpPort(), "broker-1");
            topology.brokers.subList(1, BROKERS).forEach(node -> node.process().start());
            topology.awaitAllReady();
            topology.awaitClusterMembers(BROKERS);
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public int jgroupsPort() {
        return jgroupsPort;
    }

    public ServiceProcess kafka() {
        return kafka;
    }

    public List<BrokerNode> brokers() {
        return List.copyOf(brokers);
    }

    public BrokerNode broker(int number) {
        return brokers.get(number - 1);
    }

    public List<InventoryInstance> inventories() {
        return List.copyOf(inventories);
    }

    public ServiceProcess session() {
        return session;
    }

    public int sessionPort() {
        return sessionPort;
    }

    /** Starts Kafka (again) on its data directory and waits until it answers. */
    public void startKafka() {
        long linesBefore = readyLines(kafka.log());
        kafka.start();
        Awaitility.await("Kafka ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> readyLines(kafka.log()) > linesBefore || !kafka.alive());
        if (!kafka.alive()) {
            throw new IllegalStateException("Kafka exited at start; see " + kafka.log());
        }
    }

    /** Restarts a killed service process and waits until it is ready. */
    public void restart(ServiceProcess process, int httpPort) {
        process.start();
        awaitReady(httpPort, process.name());
    }

    /**
     * Brings the topology back to health for the next scenario: resumes every paused process, restarts every
     * dead one, and restarts (kill -9, start) any service still not ready after a minute, so that one
     * scenario's damage does not fail the next. Answers the services that had to be restarted while alive.
     */
    public List<String> heal() {
        for (ServiceProcess process : allProcesses()) {
            process.resume();
        }
        if (!kafka.alive()) {
            startKafka();
        }
        inventories.stream().filter(i -> !i.process().alive()).forEach(i -> i.process().start());
        if (!session.alive()) {
            session.start();
        }
        brokers.stream().filter(b -> !b.process().alive()).forEach(b -> b.process().start());
        List<String> stuck = notReadyWithin(Duration.ofSeconds(60));
        for (String name : stuck) {
            LOG.warn("{} is running but not ready a minute after healing: restarting it", name);
            ServiceProcess process = processNamed(name);
            process.kill();
            process.start();
        }
        awaitAllReady();
        awaitClusterMembers(BROKERS);
        return stuck;
    }

    /** Waits up to {@code within} for every service to be ready; answers those that were not. */
    public List<String> notReadyWithin(Duration within) {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        inventories.forEach(i -> ports.put(i.name(), i.httpPort()));
        ports.put(session.name(), sessionPort);
        brokers.forEach(b -> ports.put(b.name(), b.httpPort()));
        java.util.concurrent.atomic.AtomicReference<List<String>> notReady =
                new java.util.concurrent.atomic.AtomicReference<>(List.copyOf(ports.keySet()));
        java.util.concurrent.Callable<Boolean> allReady = () -> {
            notReady.set(notReady.get().stream().filter(name -> !ready(ports.get(name))).toList());
            return notReady.get().isEmpty();
        };
        try {
            if (within.toMillis() < 1_000) {
                allReady.call();
            } else {
                Awaitility.await("all services ready").atMost(within).pollInterval(Duration.ofMillis(500)).until(allReady);
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Answered below: the services still not ready.
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return notReady.get();
    }

    private boolean ready(int port) {
        try {
            return status(port, "/health/ready") == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ServiceProcess processNamed(String name) {
        return allProcesses().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Waits until every service answers {@code /health/ready} with 200. */
    public void awaitAllReady() {
        inventories.forEach(i -> awaitReady(i.httpPort(), i.name()));
        awaitReady(sessionPort, "session");
        brokers.forEach(b -> awaitReady(b.httpPort(), b.name()));
    }

    /** Waits until every broker node's {@code berth_broker_cluster_members} gauge says {@code members}. */
    public void awaitClusterMembers(int members) {
        for (BrokerNode node : brokers) {
            Awaitility.await(node.name() + " sees " + members + " cluster members").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> MetricsScrape.of(get(node.httpPort(), "/metrics"))
                            .value("berth_broker_cluster_members").orElse(-1.0) == members);
        }
    }

    public void awaitReady(int port, String what) {
        ServiceProcess process = processNamed(what);
        Awaitility.await(what + " ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.alive()) {
                        throw new IllegalStateException(what + " exited before it was ready; see " + process.log());
                    }
                    return ready(port);
                });
    }

    /** The body of a GET on 127.0.0.1 (metrics, health); empty when it does not answer 200 within 3 s. */
    public String get(int port, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private int status(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Stops every process (brokers, session, inventories, then Kafka); none is left paused. */
    @Override
    public void close() {
        List<ServiceProcess> processes = allProcesses();
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("could not stop {}", processes.get(i).name(), e);
                processes.get(i).killNow();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs anyway.
        }
    }

    private void killEverything() {
        allProcesses().forEach(ServiceProcess::killNow);
    }

    private List<ServiceProcess> allProcesses() {
        List<ServiceProcess> all = new ArrayList<>();
        all.add(kafka);
        inventories.forEach(i -> all.add(i.process()));
        all.add(session);
        brokers.forEach(b -> all.add(b.process()));
        return all;
    }

    private Map<String, String> serviceEnv(String name, int httpPort) {
        Path dataDir = settings.workDir().resolve("data").resolve(name);
        return Map.of(
                "BERTH_KAFKA_BOOTSTRAP", "127.0.0.1:" + kafkaPort,
                "BERTH_HTTP_PORT", String.valueOf(httpPort),
                "BERTH_HTTP_HOST", "127.0.0.1",
                "BERTH_DATA_DIR", dataDir.toString(),
                "BERTH_JWT_SECRET", jwtSecret);
    }

    private static ServiceProcess service(String java, Path jar, String name, Map<String, String> env, Path work,
                                          List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(SERVICE_JVM);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        return new ServiceProcess(name, command, env, work.resolve("logs").resolve(name + ".log"));
    }

    private static Path jar(Path root, String module, String name) {
        Path jar = root.resolve(module).resolve("target").resolve(name + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -pl fault-tests -am verify "
                    + "builds every jar before this module)");
        }
        return jar;
    }

    public static String address(int brokerNumber) {
        return "127.0.0." + brokerNumber;
    }

    private static long readyLines(Path log) {
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                return lines.filter(line -> line.startsWith(io.berth.deploy.kafka.StandaloneKafka.READY_LINE)).count();
            }
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static void writeTicketKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, randomBase64Url(32), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String randomBase64Url(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /**
     * A JGroups port free on all three loopback addresses, with its failure-detection port: below the
     * ephemeral range, so no outgoing connection (Kafka's, HTTP's) can take it or be caught by the
     * partition's firewall rules.
     */
    private static int freeJGroupsPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 21_000 + ThreadLocalRandom.current().nextInt(8_000);
            if (IntStream.rangeClosed(1, BROKERS).allMatch(i -> bindable(address(i), port)
                    && bindable(address(i), port + JGROUPS_FD_OFFSET))) {
                return port;
            }
        }
        throw new IllegalStateException("no free JGroups port between 21000 and 29100 on 127.0.0.1-3");
    }

    private static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
