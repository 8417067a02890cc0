package io.berth.faults.topology;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A network partition between loopback addresses, made with iptables: every packet to or from the JGroups
 * ports (TCP and failure detection) between one address and the others is dropped, in a chain of its own
 * jumped to from OUTPUT (loopback traffic passes OUTPUT once). Nothing else is touched: not Kafka, not HTTP,
 * nothing outside 127.0.0.0/8. {@link #close} (and a JVM shutdown hook) removes the chain.
 */
public final class LoopbackPartition implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackPartition.class);

    private final String chain;
    private final Thread shutdownHook;
    private boolean installed;

    private LoopbackPartition(String chain) {
        this.chain = chain;
        this.shutdownHook = new Thread(this::remove, "fault-partition-remove");
    }

    /**
     * Why a partition cannot be made here (not root, no iptables), or empty when it can. The partition
     * scenario turns this into a skipped test with the message, never into a pass.
     */
    public static Optional<String> unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the partition scenario needs root for iptables (running as "
                    + System.getProperty("user.name") + ")");
        }
        Optional<Path> iptables = iptables();
        if (iptables.isEmpty()) {
            return Optional.of("the partition scenario needs iptables (Debian package 'iptables'; .ci/run installs it)");
        }
        try {
            if (run(List.of(iptables.get().toString(), "-w", "-L", "OUTPUT", "-n")) != 0) {
                return Optional.of("iptables cannot list the OUTPUT chain here (no NET_ADMIN capability?)");
            }
        } catch (IOException e) {
            return Optional.of("iptables does not run: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Drops JGroups traffic ({@code ports}) between {@code isolated} and each of {@code others}, both
     * directions. Every address must be in 127.0.0.0/8.
     */
    public static LoopbackPartition isolate(String isolated, List<String> others, List<Integer> ports) {
        List<String> addresses = new ArrayList<>(others);
        addresses.add(isolated);
        for (String address : addresses) {
            if (!address.startsWith("127.")) {
                throw new IllegalArgumentException("a partition only ever separates loopback addresses, not " + address);
            }
        }
        LoopbackPartition partition = new LoopbackPartition("BERTH-FAULTS-" + ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(partition.shutdownHook);
        try {
            partition.install(isolated, others, ports);
        } catch (RuntimeException e) {
            partition.close();
            throw e;
        }
        return partition;
    }

    private void install(String isolated, List<String> others, List<Integer> ports) {
        String portList = String.join(",", ports.stream().map(String::valueOf).toList());
        iptablesOrFail("-N", chain);
        installed = true;
        for (String other : others) {
            for (String[] direction : new String[][] {{isolated, other}, {other, isolated}}) {
                iptablesOrFail("-A", chain, "-s", direction[0] + "/32", "-d", direction[1] + "/32", "-p", "tcp",
                        "-m", "multiport", "--ports", portList, "-j", "DROP");
            }
        }
        iptablesOrFail("-I", "OUTPUT", "1", "-j", chain);
        LOG.info("partition: JGroups ports {} dropped between {} and {}", portList, isolated, others);
    }

    /** Heals the partition: removes the jump and the chain. */
    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    private synchronized void remove() {
        if (!installed) {
            return;
        }
        // Each step is tried whatever the previous one did, so a half-installed partition is removed too.
        iptablesQuietly("-D", "OUTPUT", "-j", chain);
        iptablesQuietly("-F", chain);
        iptablesQuietly("-X", chain);
        installed = false;
        LOG.info("partition healed: chain {} removed", chain);
    }

    private void iptablesOrFail(String... args) {
        int exit = iptablesQuietly(args);
        if (exit != 0) {
            throw new IllegalStateException("iptables " + String.join(" ", args) + " failed (exit " + exit + ")");
        }
    }

    private int iptablesQuietly(String... args) {
        List<String> command = new ArrayList<>();
        command.add(iptables().map(Path::toString).orElse("iptables"));
        command.add("-w");
        command.addAll(List.of(args));
        try {
            return run(command);
        } catch (IOException e) {
            LOG.warn("{} failed: {}", command, e.getMessage());
            return -1;
        }
    }

    private static int run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            int exit = process.exitValue();
            if (exit != 0) {
                LOG.warn("{} exited {}: {}", command, exit,
                        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Optional<Path> iptables() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(dir, "iptables");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
