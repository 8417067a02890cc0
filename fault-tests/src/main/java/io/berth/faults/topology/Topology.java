package io.berth.faults.topology;

import io.berth.deploy.client.ReadinessProbe;
import io.berth.deploy.kafka.StandaloneKafka;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
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

    /** What to start and where. */
    public record Settings(Path repositoryRoot, Path workDir, int inventoryInstances) {
    }

    /** A broker node: its JGroups address and its HTTP port (on 127.0.0.1). */
    public record BrokerNode(String name, String jgroupsAddress, int httpPort, ServiceProcess process) {
    }

    /** An inventory instance and its HTTP port. */
    public record InventoryInstance(String name, int httpPort, ServiceProcess process) {
    }

    private final String jwtSecret;
    private final int kafkaPort;
    private final int jgroupsPort;
    private final ServiceProcess kafka;
    private final List<InventoryInstance> inventories = new ArrayList<>();
    private final ServiceProcess session;
    private final int sessionPort;
    private final List<BrokerNode> brokers = new ArrayList<>();
    private final Thread shutdownHook;
    private final ReadinessProbe probe = new ReadinessProbe();

    private Topology(Settings settings) {
        this.kafkaPort = LoopbackPorts.freePort("127.0.0.1");
        this.jgroupsPort = LoopbackPorts.freeJGroupsPort(BROKERS, JGROUPS_FD_OFFSET);
        ProcessLaunch launch = new ProcessLaunch(settings.repositoryRoot(), settings.workDir(), kafkaPort);
        this.jwtSecret = launch.jwtSecret();
        this.kafka = launch.kafka(LoopbackPorts.freePort("127.0.0.1"));
        for (int i = 1; i <= settings.inventoryInstances(); i++) {
            int port = LoopbackPorts.freePort("127.0.0.1");
            String name = "inventory-" + i;
            inventories.add(new InventoryInstance(name, port, launch.service("inventory-service", name, port, Map.of())));
        }
        this.sessionPort = LoopbackPorts.freePort("127.0.0.1");
        this.session = launch.service("session-service", "session", sessionPort, Map.of());

        List<String> addresses = IntStream.rangeClosed(1, BROKERS).mapToObj(Topology::address).toList();
        Map<String, String> cluster = launch.brokerClusterEnv(jgroupsPort, addresses);
        for (int i = 1; i <= BROKERS; i++) {
            int port = LoopbackPorts.freePort("127.0.0.1");
            String name = "broker-" + i;
            Map<String, String> env = new HashMap<>(cluster);
            env.put("BERTH_NODE_NAME", name);
            env.put("BERTH_JGROUPS_BIND_ADDRESS", address(i));
            brokers.add(new BrokerNode(name, address(i), port, launch.service("broker-service", name, port, env)));
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
        long linesBefore = kafka.logLines(StandaloneKafka.READY_LINE);
        kafka.start();
        Awaitility.await("Kafka ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> kafka.logLines(StandaloneKafka.READY_LINE) > linesBefore || !kafka.alive());
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
        Map<String, Integer> ports = new LinkedHashMap<>();
        inventories.forEach(i -> ports.put(i.name(), i.httpPort()));
        ports.put(session.name(), sessionPort);
        brokers.forEach(b -> ports.put(b.name(), b.httpPort()));
        AtomicReference<List<String>> notReady =
                new AtomicReference<>(List.copyOf(ports.keySet()));
        Callable<Boolean> allReady = () -> {
            notReady.set(notReady.get().stream().filter(name -> !probe.ready(ports.get(name))).toList());
            return notReady.get().isEmpty();
        };
        try {
            if (within.toMillis() < 1_000) {
                allReady.call();
            } else {
                Awaitility.await("all services ready").atMost(within).pollInterval(Duration.ofMillis(500)).until(allReady);
            }
        } catch (ConditionTimeoutException e) {
            // Answered below: the services still not ready.
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return notReady.get();
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

    /** Waits until {@code what} answers {@code /health/ready} with 200; fails at once if its process exits. */
    public void awaitReady(int port, String what) {
        ServiceProcess process = processNamed(what);
        try {
            probe.awaitReady(what, port, READY_TIMEOUT, process::alive);
        } catch (ReadinessProbe.NotReadyException e) {
            throw new IllegalStateException(e.getMessage() + "; see " + process.log(), e);
        }
    }

    /** The body of a GET on 127.0.0.1 (metrics, health); empty when it does not answer 200 within 3 s. */
    public String get(int port, String path) {
        return probe.body(port, path);
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

    public static String address(int brokerNumber) {
        return LoopbackPorts.address(brokerNumber);
    }
}
