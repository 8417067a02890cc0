package io.berth.faults.topology;

import io.berth.common.config.SecretFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * How each process of the topology is started: this JVM's {@code java}, small-footprint JVM options, the
 * jar the reactor built, the environment every service shares (Kafka, the JWT secret, a data directory of
 * its own, HTTP on 127.0.0.1) and a log file under the work directory.
 */
final class ProcessLaunch {

    private static final List<String> SERVICE_JVM = List.of(
            // Seven JVMs share two cores with other builds: a small heap, a serial collector, and no C2
            // compiler burning CPU on code that runs for a few minutes.
            "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    private final Path repositoryRoot;
    private final Path workDir;
    private final int kafkaPort;
    private final String jwtSecret;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ProcessLaunch(Path repositoryRoot, Path workDir, int kafkaPort) {
        this.repositoryRoot = repositoryRoot;
        this.workDir = workDir;
        this.kafkaPort = kafkaPort;
        this.jwtSecret = secret("jwt-secret", 48);
    }

    /** The secret every service verifies tokens with (and tests mint them with). */
    String jwtSecret() {
        return jwtSecret;
    }

    /** The launcher's embedded Kafka alone ({@code StandaloneKafka}), its data under the work directory. */
    ServiceProcess kafka(int controllerPort) {
        Map<String, String> env = Map.of(
                "BERTH_DATA_DIR", workDir.resolve("kafka-data").toString(),
                "BERTH_KAFKA_PORT", String.valueOf(kafkaPort),
                "BERTH_KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
        return new ServiceProcess("kafka", List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", jar("deploy", "berth-local").toString(),
                "io.berth.deploy.kafka.StandaloneKafka"), env, workDir.resolve("logs/kafka.log"));
    }

    /** {@code module}'s jar as {@code name}, listening on {@code httpPort}, with {@code extraEnv} on top of the shared environment. */
    ServiceProcess service(String module, String name, int httpPort, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of(
                "BERTH_KAFKA_BOOTSTRAP", "127.0.0.1:" + kafkaPort,
                "BERTH_HTTP_PORT", String.valueOf(httpPort),
                "BERTH_HTTP_HOST", "127.0.0.1",
                "BERTH_DATA_DIR", workDir.resolve("data").resolve(name).toString(),
                "BERTH_JWT_SECRET", jwtSecret));
        env.putAll(extraEnv);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(SERVICE_JVM);
        command.add("-jar");
        command.add(jar(module, "berth-" + module).toString());
        return new ServiceProcess(name, command, env, workDir.resolve("logs").resolve(name + ".log"));
    }

    /**
     * What every broker node of one cluster shares: its name, its JGroups port and initial hosts, a fresh ticket
     * key file and a fresh cluster secret (JGroups AUTH + SYM_ENCRYPT). The shipped stack binds every JGroups
     * socket, client side and FD_SOCK2 included, to BERTH_JGROUPS_BIND_ADDRESS, so node 3's traffic leaves from
     * 127.0.0.3 and a partition by address cuts exactly its links.
     */
    Map<String, String> brokerClusterEnv(int jgroupsPort, List<String> addresses) {
        secret("ticket-key", 32);
        return Map.of(
                "BERTH_CLUSTER_NAME", "berth-faults-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
                "BERTH_CLUSTER_SECRET", String.format("%016x%016x", ThreadLocalRandom.current().nextLong(),
                        ThreadLocalRandom.current().nextLong()),
                "BERTH_JGROUPS_PORT", String.valueOf(jgroupsPort),
                "BERTH_JGROUPS_INITIAL_HOSTS", addresses.stream().map(address -> address + "[" + jgroupsPort + "]")
                        .collect(Collectors.joining(",")),
                "BERTH_TICKET_KEY_FILE", workDir.resolve("ticket-key").toString());
    }

    /** A secret of {@code bytes} random bytes kept in {@code file} under the work directory (made once). */
    String secret(String file, int bytes) {
        try {
            return SecretFiles.readOrCreate(workDir.resolve(file), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + workDir.resolve(file), e);
        }
    }

    private Path jar(String module, String name) {
        Path jar = repositoryRoot.resolve(module).resolve("target").resolve(name + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -pl fault-tests -am verify "
                    + "builds every jar before this module)");
        }
        return jar;
    }
}
