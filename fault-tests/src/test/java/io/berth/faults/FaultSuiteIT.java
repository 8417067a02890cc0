package io.berth.faults;

import io.berth.faults.ScenarioStage.PoolShape;
import io.berth.faults.history.SessionHistory;
import io.berth.faults.history.SessionSpan;
import io.berth.faults.topology.LoopbackPartition;
import io.berth.faults.topology.MetricsScrape;
import io.berth.faults.topology.Topology;
import io.berth.faults.topology.Topology.BrokerNode;
import io.berth.faults.traffic.Answer;
import io.berth.faults.traffic.Phase;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite: Berth's real topology as separate processes (Kafka, inventory, session, three broker
 * nodes on 127.0.0.1-3), a connect storm and simulated agents, one OS-level fault per scenario, and the
 * invariants checked from the Kafka history. Each scenario prints its table and fails on a violation.
 * {@code -Dfaults.scenarios=broker-kill,broker-pause} picks scenarios, {@code -Dfaults.repeat=3} repeats them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteIT {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSuiteIT.class);

    /** Scenarios in run order; those sharing the one-inventory topology come first. */
    enum Scenario {
        BROKER_KILL, BROKER_PAUSE, BROKER_PARTITION, SESSION_DOWN, KAFKA_DOWN, KAFKA_PAUSE, INVENTORY_DOWN;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        boolean sharesTopology() {
            return this != INVENTORY_DOWN;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final Path workDir = Path.of(System.getProperty("faults.workDir", "target/faults"))
            .resolve("run-" + System.currentTimeMillis());
    private final AtomicInteger topologies = new AtomicInteger();
    private final List<String> tables = new ArrayList<>();
    private Topology shared;

    @TestFactory
    Stream<DynamicTest> faults() {
        List<Scenario> selected = selectedScenarios();
        int repeat = Integer.parseInt(System.getProperty("faults.repeat", "1").trim());
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario scenario : selected) {
            for (int run = 1; run <= repeat; run++) {
                int thisRun = run;
                tests.add(DynamicTest.dynamicTest(scenario.id() + (repeat > 1 ? " #" + run : ""),
                        () -> run(scenario, thisRun)));
            }
        }
        return tests.stream();
    }

    @AfterAll
    void stopEverything() {
        closeShared();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        LOG.info("fault suite summary:\n{}", String.join("\n", tables));
    }

    private void run(Scenario scenario, int run) {
        if (scenario == Scenario.BROKER_PARTITION) {
            Optional<String> unavailable = LoopbackPartition.unavailableReason();
            Assumptions.assumeTrue(unavailable.isEmpty(), () -> "broker-partition skipped: " + unavailable.orElseThrow());
        }
        Topology topology;
        if (scenario.sharesTopology()) {
            topology = sharedTopology();
        } else {
            closeShared();
            topology = startTopology(2);
        }
        try {
            switch (scenario) {
                case BROKER_KILL -> brokerKill(topology, run);
                case BROKER_PAUSE -> brokerPause(topology, run);
                case BROKER_PARTITION -> brokerPartition(topology, run);
                case SESSION_DOWN -> sessionDown(topology, run);
                case KAFKA_DOWN -> kafkaDown(topology, run);
                case KAFKA_PAUSE -> kafkaPause(topology, run);
                case INVENTORY_DOWN -> inventoryDown(topology, run);
            }
        } finally {
            if (!scenario.sharesTopology()) {
                topology.close();
            }
        }
    }

    // --- scenarios ---

    /** kill -9 of a broker node mid-storm: nothing overbooked or lost, survivors' p99 <= 5 s meanwhile. */
    private void brokerKill(Topology topology, int run) {
        try (ScenarioStage stage = stage("broker-kill", run, topology,
                new PoolShape(20, 5, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(5))))) {
            BrokerNode victim = topology.broker(2);
            stage.startStorm(8, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(10));
            stage.log.faultStarted(System.currentTimeMillis());
            victim.process().kill();
            ScenarioStage.hold(Duration.ofSeconds(20));
            // "During" is the time the victim is dead; its restart and rejoin are part of "after".
            stage.log.faultEnded(System.currentTimeMillis());
            long restartedAt = System.currentTimeMillis();
            topology.restart(victim.process(), victim.httpPort());
            long readyAfterMillis = System.currentTimeMillis() - restartedAt;
            ScenarioStage.hold(Duration.ofSeconds(10));
            stage.stopStorm();

            stage.checkHistory();
            Predicate<Answer> survivorsDuring = a -> !a.node().equals(victim.name()) && stage.log.phaseOf(a) == Phase.DURING;
            stage.report.atMost("survivors' p99 during the kill", stage.log.p99Millis(survivorsDuring), 5_000, "ms");
            stage.report.figure("survivors back to normal (no failure, nothing > 1 s) "
                    + stage.log.recoveryMillis(a -> !a.node().equals(victim.name()), stage.log.faultStartMillis(), 1_000)
                    + " ms after the kill; " + victim.name() + " ready " + readyAfterMillis + " ms after its restart; "
                    + "survivors' p99 from the restart on " + stage.log.p99Millis(a -> !a.node().equals(victim.name())
                    && stage.log.phaseOf(a) == Phase.AFTER) + " ms");
            finish(stage);
        }
    }

    /** SIGSTOP of a broker node for 20 s, then SIGCONT: nothing overbooked, the others keep answering. */
    private void brokerPause(Topology topology, int run) {
        try (ScenarioStage stage = stage("broker-pause", run, topology,
                new PoolShape(20, 5, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(5))))) {
            BrokerNode victim = topology.broker(3);
            stage.startStorm(8, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(10));
            stage.paused(victim.process(), Duration.ofSeconds(20));
            ScenarioStage.hold(Duration.ofSeconds(15));
            stage.stopStorm();

            stage.checkHistory();
            Predicate<Answer> survivorsDuring = a -> !a.node().equals(victim.name()) && stage.log.phaseOf(a) == Phase.DURING;
            List<Answer> unanswered = stage.log.answers(survivorsDuring.and(a -> a.status() == Answer.NO_ANSWER));
            stage.report.none("survivors' connects without an answer during the pause",
                    unanswered.stream().map(a -> a.node() + " " + a.detail()).toList());
            stage.report.atMost("survivors' p99 during the pause", stage.log.p99Millis(survivorsDuring), 5_000, "ms");
            stage.report.figure("survivors back to normal "
                    + stage.log.recoveryMillis(a -> !a.node().equals(victim.name()), stage.log.faultStartMillis(), 1_000)
                    + " ms after SIGSTOP; paused node answering normally "
                    + stage.log.recoveryMillis(a -> a.node().equals(victim.name()), stage.log.faultEndMillis(), 1_000)
                    + " ms after SIGCONT");
            finish(stage);
        }
    }

    /**
     * broker-3 cut off (JGroups only) from brokers 1 and 2 during a storm into 20 seats: nothing overbooked,
     * no double session, the minority answers 503 "minority partition", and within 30 s of healing every
     * node gives each live user the session Kafka has, and their caches hold the same number of entries.
     */
    private void brokerPartition(Topology topology, int run) {
        try (ScenarioStage stage = stage("broker-partition", run, topology,
                // Sessions end after 6 s, so seats keep freeing on both sides of the cut: a side that places
                // on its own view of the free slots overbooks as soon as the other side does the same.
                new PoolShape(10, 2, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(6))))) {
            BrokerNode minority = topology.broker(3);
            List<String> users = IntStream.rangeClosed(1, 40).mapToObj(i -> stage.poolId + "-u" + i).toList();
            AtomicInteger next = new AtomicInteger();
            // Few users, many requests: the same user arrives at different nodes, on both sides of the cut.
            stage.startStorm(8, () -> users.get(Math.floorMod(next.getAndIncrement() * 7, users.size())));
            ScenarioStage.hold(Duration.ofSeconds(8));
            long cutAt = System.currentTimeMillis();
            stage.log.faultStarted(cutAt);
            try (LoopbackPartition partition = LoopbackPartition.isolate(minority.jgroupsAddress(),
                    List.of(Topology.address(1), Topology.address(2)),
                    List.of(topology.jgroupsPort(), topology.jgroupsPort() + Topology.JGROUPS_FD_OFFSET))) {
                ScenarioStage.hold(Duration.ofSeconds(40));
            }
            long healedAt = System.currentTimeMillis();
            stage.log.faultEnded(healedAt);
            stage.stopStorm();
            // What the nodes must agree on stays still while they are asked.
            stage.fleet.keepUsersLoggedOn();

            // Detection takes the failure detector's timeout (12 s) and a view change; 7.1 allows 20 s.
            long detected = cutAt + 20_000;
            Predicate<Answer> minorityAfterDetection = a -> a.node().equals(minority.name())
                    && a.dueEpochMillis() >= detected && a.dueEpochMillis() < healedAt;
            List<Answer> minorityAnswers = stage.log.answers(minorityAfterDetection);
            stage.report.none("new sessions placed by the minority node after detection",
                    minorityAnswers.stream().filter(Answer::newSession).map(a -> a.userId() + " -> " + a.hostId()).toList());
            stage.report.none("minority answers (not reconnects) other than 503 'minority partition'",
                    minorityAnswers.stream().filter(a -> !(a.placed() && a.reconnect()))
                            .filter(a -> a.status() != 503 || !a.detail().toLowerCase(Locale.ROOT).contains("minority partition"))
                            .map(a -> a.status() + " " + a.detail()).distinct().toList());
            stage.report.atLeast("minority answers checked", minorityAnswers.size(), 1, "");

            long converged = awaitConvergence(stage, topology, healedAt + 30_000);
            stage.report.atMost("all nodes agree with Kafka after healing", converged, 30_000, "ms");
            stage.checkHistory();
            finish(stage);
        }
    }

    /** session-service killed for 90 s under steady connects: nothing overbooked, no listed session ended. */
    private void sessionDown(Topology topology, int run) {
        try (ScenarioStage stage = stage("session-down", run, topology,
                new PoolShape(10, 4, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(8))))) {
            stage.startStorm(4, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(10));
            stage.log.faultStarted(System.currentTimeMillis());
            topology.session().kill();
            ScenarioStage.hold(Duration.ofSeconds(90));
            topology.restart(topology.session(), topology.sessionPort());
            stage.log.faultEnded(System.currentTimeMillis());
            ScenarioStage.hold(Duration.ofSeconds(20));
            stage.stopStorm();

            SessionHistory history = stage.checkHistory();
            stage.report.none("sessions ended (not by the agent's logoff) while their host listed them",
                    history.endedWhileListed(stage.fleet.listings()));
            stage.report.figure("placed during the outage: " + stage.log.answers(a -> stage.log.phaseOf(a) == Phase.DURING
                    && a.newSession()).size() + "; after: " + stage.log.answers(a -> stage.log.phaseOf(a) == Phase.AFTER
                    && a.newSession()).size());
            finish(stage);
        }
    }

    /** Kafka killed and restarted on its data 20 s later: every connect answered within 10 s, nothing lost. */
    private void kafkaDown(Topology topology, int run) {
        try (ScenarioStage stage = stage("kafka-down", run, topology,
                new PoolShape(10, 5, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(6))))) {
            stage.startStorm(5, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(10));
            stage.log.faultStarted(System.currentTimeMillis());
            topology.kafka().kill();
            ScenarioStage.hold(Duration.ofSeconds(20));
            topology.startKafka();
            long back = System.currentTimeMillis();
            stage.log.faultEnded(back);
            ScenarioStage.hold(Duration.ofSeconds(40));
            stage.stopStorm();

            stage.checkHistory();
            List<Answer> all = stage.log.answers();
            stage.report.none("connects without an answer", all.stream()
                    .filter(a -> a.status() == Answer.NO_ANSWER).map(a -> a.node() + " " + a.detail()).distinct().toList());
            stage.report.atMost("slowest answer", all.stream().mapToLong(Answer::latencyMillis).max().orElse(0), 10_000, "ms");
            // The contract's wording for this case; other 503s of the outage (no fresh heartbeat: the inventory
            // cannot publish either) may give their own reason. The pool id is left out: it says "kafka" too.
            stage.report.atLeast("503s during the outage whose detail says Kafka is unavailable",
                    stage.log.answers(a -> stage.log.phaseOf(a) == Phase.DURING && a.status() == 503
                            && a.detail().replace(stage.poolId, "").toLowerCase(Locale.ROOT).contains("kafka")).size(),
                    1, "");
            stage.report.none("failed connects from 30 s after Kafka is back",
                    stage.log.answers(a -> a.dueEpochMillis() >= back + 30_000 && a.failed()).stream()
                            .map(a -> a.node() + " " + a.status() + " " + a.detail()).distinct().toList());
            stage.report.figure("back to normal " + stage.log.recoveryMillis(a -> true, back, 1_000)
                    + " ms after Kafka answered again");
            finish(stage);
        }
    }

    /**
     * SIGSTOP of Kafka for 8 s, past the brokers' 5 s delivery timeout, then SIGCONT. Produce requests sent
     * meanwhile sit in Kafka's socket buffers: the brokers answer 503, and Kafka appends many of them once it
     * runs again. Those allocations are sessions, so their slots must not have been given to later connects:
     * nothing overbooked, and the answered-503-yet-stored case did happen (else the run proves nothing).
     */
    private void kafkaPause(Topology topology, int run) {
        try (ScenarioStage stage = stage("kafka-pause", run, topology,
                new PoolShape(10, 5, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(60))))) {
            stage.startStorm(8, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(3));
            stage.paused(topology.kafka(), Duration.ofSeconds(8));
            ScenarioStage.hold(Duration.ofSeconds(25));
            stage.stopStorm();

            SessionHistory history = stage.checkHistory();
            Set<String> answered200 = new HashSet<>(stage.log.acknowledged().keySet());
            answered200.addAll(stage.setUpSessionIds);
            stage.report.atLeast("allocations stored though their connect was answered 503 (the case under test)",
                    history.unacknowledgedAllocations(answered200).size(), 1, "");
            stage.report.atMost("slowest answer", stage.log.answers().stream().mapToLong(Answer::latencyMillis).max()
                    .orElse(0), 10_000, "ms");
            finish(stage);
        }
    }

    /**
     * Two inventory instances; the one the agents use killed: no connect fails for more than 5 s. Then both
     * down for 2 minutes: connects keep placing on the last known AVAILABLE hosts, and every broker shows it
     * ({@code berth_broker_placement_degraded} = 1).
     */
    private void inventoryDown(Topology topology, int run) {
        try (ScenarioStage stage = stage("inventory-down", run, topology,
                new PoolShape(10, 5, 5, Duration.ofMillis(300), Optional.of(Duration.ofSeconds(6))))) {
            stage.startStorm(5, stage::newUser);
            ScenarioStage.hold(Duration.ofSeconds(10));
            long oneDown = System.currentTimeMillis();
            stage.log.faultStarted(oneDown);
            topology.inventories().get(0).process().kill();
            ScenarioStage.hold(Duration.ofSeconds(20));
            long allDown = System.currentTimeMillis();
            topology.inventories().get(1).process().kill();
            // Hosts look stale after 3 heartbeat intervals (15 s); judge placement from 20 s on.
            ScenarioStage.hold(Duration.ofSeconds(60));
            Map<String, Optional<Double>> degraded = new LinkedHashMap<>();
            topology.brokers().forEach(node -> degraded.put(node.name(),
                    MetricsScrape.of(topology.get(node.httpPort(), "/metrics")).value("berth_broker_placement_degraded")));
            ScenarioStage.hold(Duration.ofSeconds(60));
            long restartAt = System.currentTimeMillis();
            topology.inventories().forEach(instance -> topology.restart(instance.process(), instance.httpPort()));
            stage.log.faultEnded(System.currentTimeMillis());
            ScenarioStage.hold(Duration.ofSeconds(15));
            stage.stopStorm();

            stage.checkHistory();
            stage.report.atMost("longest run of failed connects with one inventory instance down",
                    stage.log.longestFailureMillis(a -> a.dueEpochMillis() >= oneDown && a.dueEpochMillis() < allDown),
                    5_000, "ms");
            List<Answer> allDownJudged = stage.log.answers(a -> a.dueEpochMillis() >= allDown + 20_000
                    && a.dueEpochMillis() < restartAt);
            long placed = allDownJudged.stream().filter(Answer::placed).count();
            stage.report.atLeast("connects placed with every inventory down (% of " + allDownJudged.size() + " judged)",
                    allDownJudged.isEmpty() ? 0 : placed * 100 / allDownJudged.size(), 95, "%");
            stage.report.none("brokers not showing berth_broker_placement_degraded = 1 with every inventory down",
                    degraded.entrySet().stream().filter(e -> e.getValue().filter(v -> v == 1.0).isEmpty())
                            .map(e -> e.getKey() + "=" + e.getValue().map(String::valueOf).orElse("absent")).toList());
            finish(stage);
        }
    }

    // --- helpers ---

    /**
     * Polls until every node answers every user who is live in the Kafka history with that very session (a
     * reconnect), and the nodes' {@code berth_cache_entries} agree; answers the ms from healing to agreement,
     * or the ms waited when they never agreed by {@code deadlineMillis}.
     */
    private long awaitConvergence(ScenarioStage stage, Topology topology, long deadlineMillis) {
        long healedAt = stage.log.faultEndMillis();
        String lastDisagreement = "";
        while (System.currentTimeMillis() < deadlineMillis) {
            long pollStartedAt = System.currentTimeMillis();
            Map<String, SessionSpan> live = stage.history().liveByUserAt(Instant.now());
            List<String> disagreements = new ArrayList<>();
            for (SessionSpan span : live.values()) {
                for (String node : stage.gateway.nodes()) {
                    Answer answer = ScenarioStage.await(stage.gateway.connect(node, span.userId(), stage.appGroupId,
                            List.of(ScenarioStage.USER_GROUP), System.currentTimeMillis()));
                    if (answer.placed()) {
                        stage.fleet.placed(answer);
                    }
                    if (!answer.placed() || !span.sessionId().equals(answer.sessionId())) {
                        disagreements.add(node + " answered " + span.userId() + " " + answer.status() + " "
                                + answer.sessionId() + ", Kafka has " + span.sessionId());
                    }
                }
            }
            Set<Map<String, Double>> caches = topology.brokers().stream()
                    .map(node -> MetricsScrape.of(topology.get(node.httpPort(), "/metrics")).samples("berth_cache_entries"))
                    .collect(Collectors.toSet());
            if (caches.size() != 1) {
                disagreements.add("berth_cache_entries differ: " + caches);
            }
            if (disagreements.isEmpty() && !live.isEmpty()) {
                // The state that agreed was read from here on: the poll's own duration is not convergence time.
                return pollStartedAt - healedAt;
            }
            lastDisagreement = disagreements.isEmpty() ? "no live session in Kafka" : disagreements.get(0)
                    + (disagreements.size() > 1 ? " (+" + (disagreements.size() - 1) + " more)" : "");
            ScenarioStage.hold(Duration.ofSeconds(1));
        }
        stage.report.figure("last disagreement: " + lastDisagreement);
        return System.currentTimeMillis() - healedAt;
    }

    private ScenarioStage stage(String name, int run, Topology topology, PoolShape shape) {
        LOG.info("scenario {} #{}: setting up", name, run);
        return new ScenarioStage(name, run, topology, vertx, shape).setUp();
    }

    private void finish(ScenarioStage stage) {
        // 7.1: a restarted instance is ready within 30 s; every instance should be once the fault is over.
        long faultEnded = Math.min(stage.log.faultEndMillis(), System.currentTimeMillis());
        stage.report.none("services not ready 30 s after the fault ended",
                stage.topology.notReadyWithin(Duration.ofMillis(Math.max(0, faultEnded + 30_000 - System.currentTimeMillis()))));
        String table = stage.report.table();
        tables.add(table);
        System.out.println(table);
        assertThat(stage.report.passed()).as("%s", table).isTrue();
    }

    private Topology sharedTopology() {
        if (shared == null) {
            shared = startTopology(1);
        } else {
            List<String> restarted = shared.heal();
            if (!restarted.isEmpty()) {
                tables.add("(restarted before the next scenario, not ready a minute after healing: " + restarted + ")");
            }
        }
        return shared;
    }

    private void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    private Topology startTopology(int inventories) {
        Path root = Path.of(System.getProperty("berth.root", "..")).toAbsolutePath().normalize();
        Path dir = workDir.resolve("topology-" + topologies.incrementAndGet());
        LOG.info("starting the topology in {} ({} inventory instance(s))", dir, inventories);
        return Topology.start(new Topology.Settings(root, dir, inventories));
    }

    private static List<Scenario> selectedScenarios() {
        String property = System.getProperty("faults.scenarios", "all").trim();
        if (property.isEmpty() || property.equals("all")) {
            return List.of(Scenario.values());
        }
        Map<String, Scenario> byId = new LinkedHashMap<>();
        for (Scenario scenario : Scenario.values()) {
            byId.put(scenario.id(), scenario);
        }
        List<String> wanted = Arrays.stream(property.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> unknown = wanted.stream().filter(id -> !byId.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown faults.scenarios " + unknown + "; known: " + byId.keySet());
        }
        // Run order is the suite's (shared topology first), whatever the order asked.
        return byId.values().stream().filter(s -> wanted.contains(s.id())).toList();
    }
}
