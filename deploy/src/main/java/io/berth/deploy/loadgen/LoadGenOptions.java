package io.berth.deploy.loadgen;

import io.berth.deploy.cli.CheckedOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The load generator's command line, read by picocli. Every number is bounded, so a typo cannot start an
 * unbounded run, and every request goes to 127.0.0.1.
 */
@Command(name = "java -jar berth-loadgen.jar", sortOptions = false, abbreviateSynopsis = true, usageHelpWidth = 110,
        description = {
                "Sets up K pools of N simulated hosts through Berth's API, then drives POST /api/v1/connect at a"
                        + " fixed rate (open model: latency is measured from when each request was due, so a slow"
                        + " server cannot hide it), while the simulated hosts heartbeat and log each placed user on"
                        + " and off again. Prints a line every second and a summary at the end, also written as"
                        + " JSON. Talks to 127.0.0.1 only.",
                ""})
public final class LoadGenOptions extends CheckedOptions {

    /** The pools' placement rule (DESIGN.md section 4). */
    enum LoadBalancer { BREADTH_FIRST, DEPTH_FIRST }

    private static final int MAX_HOSTS = 100_000;

    // Fleet
    @Option(names = "--pools", paramLabel = "K", defaultValue = "4", description = "pools (default ${DEFAULT-VALUE})")
    private int pools;

    @Option(names = "--hosts-per-pool", paramLabel = "N", defaultValue = "250",
            description = "simulated hosts per pool (default ${DEFAULT-VALUE})")
    private int hostsPerPool;

    @Option(names = "--max-sessions-per-host", paramLabel = "M", defaultValue = "50",
            description = "the pools' limit (default ${DEFAULT-VALUE})")
    private int maxSessionsPerHost;

    @Option(names = "--load-balancer", paramLabel = "LB", defaultValue = "BREADTH_FIRST",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    private LoadBalancer loadBalancer;

    @Option(names = "--session-seconds", paramLabel = "S", defaultValue = "10",
            description = "how long a simulated user stays logged on (default ${DEFAULT-VALUE})")
    private int sessionSeconds;

    @Option(names = "--logon-delay-ms", paramLabel = "D", defaultValue = "200",
            description = "from the connect answer to the user's LOGON (default ${DEFAULT-VALUE})")
    private int logonDelayMillis;

    @Option(names = "--cleanup", description = "delete the hosts and pools at the end")
    private boolean cleanup;

    @Mixin
    private SimulatedHostOptions hosts;

    // Load
    @Option(names = "--rate", paramLabel = "R", defaultValue = "1000",
            description = "connects per second (default ${DEFAULT-VALUE})")
    private double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60",
            description = "measured time (default ${DEFAULT-VALUE})")
    private int durationSeconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5",
            description = "unmeasured time before it, the rate rising from a tenth to the full rate (default ${DEFAULT-VALUE})")
    private int warmupSeconds;

    @Option(names = "--connections", paramLabel = "C", defaultValue = "64",
            description = "HTTP connections to the broker (default ${DEFAULT-VALUE})")
    private int connections;

    @Option(names = "--agent-connections", paramLabel = "A", defaultValue = "256", description = {
            "HTTP connections the simulated agents share per service (default ${DEFAULT-VALUE}: real agents each"
                    + " have their own; too few and their reports queue, sessions stay PENDING and hold their slots)"})
    private int agentConnections;

    @Option(names = "--timeout-ms", paramLabel = "T", defaultValue = "10000",
            description = "a request not answered by then counts as an error (default ${DEFAULT-VALUE})")
    private int timeoutMillis;

    @Option(names = "--baseline", description = {"also drive the same rate at the broker's GET /health/live (no-op)"
            + " and report connect throughput / no-op throughput"})
    private boolean baseline;

    @Option(names = "--max", description = {"search the highest rate whose p99 stays under --p99-ms, starting at"
            + " --rate, each step --step-seconds long (with --baseline: for both)"})
    private boolean max;

    @Option(names = "--p99-ms", paramLabel = "B", defaultValue = "25",
            description = "the bound for --max (default ${DEFAULT-VALUE})")
    private double p99BoundMillis;

    @Option(names = "--step-seconds", paramLabel = "S", defaultValue = "10",
            description = "length of each --max step (default ${DEFAULT-VALUE})")
    private int stepSeconds;

    @Option(names = "--max-rate", paramLabel = "R", defaultValue = "50000",
            description = "never try more than this (default ${DEFAULT-VALUE})")
    private double maxRate;

    // Target
    @Option(names = "--broker-port", paramLabel = "P", defaultValue = "8080",
            description = "the broker's port on 127.0.0.1 (default ${DEFAULT-VALUE})")
    private int brokerPort;

    @Option(names = "--inventory-port", paramLabel = "P", defaultValue = "8081",
            description = "the inventory's port on 127.0.0.1 (default ${DEFAULT-VALUE})")
    private int inventoryPort;

    @Option(names = "--session-port", paramLabel = "P", defaultValue = "8082",
            description = "the session service's port on 127.0.0.1 (default ${DEFAULT-VALUE})")
    private int sessionPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".berth", description = {
            "where berth-local keeps jwt-secret, to mint tokens (default ./${DEFAULT-VALUE}; BERTH_JWT_SECRET wins"
                    + " when set)"})
    private Path dataDir;

    @Option(names = "--admin-token", paramLabel = "T", description = "use this admin token instead of minting one")
    private String adminToken;

    @Option(names = "--gateway-token", paramLabel = "T", description = "use this gateway token instead of minting one")
    private String gatewayToken;

    // Output
    @Option(names = "--output", paramLabel = "FILE", defaultValue = "loadgen-summary.json",
            description = "the JSON summary (default ${DEFAULT-VALUE})")
    private Path output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    private boolean help;

    /** Reads a load generator command line; one it does not understand is a {@link picocli.CommandLine.ParameterException}. */
    public static LoadGenOptions parse(String... args) {
        return CheckedOptions.parse(new LoadGenOptions(), args);
    }

    public static LoadGenOptions defaults() {
        return parse();
    }

    @Override
    protected void check() {
        within("--pools", pools, 1, 100);
        within("--hosts-per-pool", hostsPerPool, 1, 10_000);
        within("--max-sessions-per-host", maxSessionsPerHost, 1, 10_000);
        within("--session-seconds", sessionSeconds, 1, 86_400);
        within("--logon-delay-ms", logonDelayMillis, 0, 60_000);
        within("--rate", rate, 1, 100_000);
        within("--duration", durationSeconds, 1, 3600);
        within("--warmup", warmupSeconds, 0, 600);
        within("--connections", connections, 1, 1024);
        within("--agent-connections", agentConnections, 1, 4096);
        within("--timeout-ms", timeoutMillis, 100, 120_000);
        within("--p99-ms", p99BoundMillis, 0.1, 60_000);
        within("--step-seconds", stepSeconds, 1, 600);
        within("--max-rate", maxRate, 1, 100_000);
        within("--broker-port", brokerPort, 1, 65535);
        within("--inventory-port", inventoryPort, 1, 65535);
        within("--session-port", sessionPort, 1, 65535);
        hosts.check(this::within);
        if (!max && capacity() < Math.ceil(rate * sessionSeconds)) {
            throw usageError(String.format(Locale.ROOT,
                    "%.0f connects/s with %d s sessions need %.0f live sessions, more than the fleet holds (%d);"
                            + " add hosts or sessions per host, or shorten --session-seconds",
                    rate, sessionSeconds, rate * sessionSeconds, capacity()));
        }
        if ((long) pools * hostsPerPool > MAX_HOSTS) {
            throw usageError("at most " + MAX_HOSTS + " simulated hosts in all");
        }
    }

    public int totalHosts() {
        return pools * hostsPerPool;
    }

    public long capacity() {
        return (long) totalHosts() * maxSessionsPerHost;
    }

    public int pools() {
        return pools;
    }

    public int hostsPerPool() {
        return hostsPerPool;
    }

    public int maxSessionsPerHost() {
        return maxSessionsPerHost;
    }

    public String loadBalancer() {
        return loadBalancer.name();
    }

    public double rate() {
        return rate;
    }

    public Duration duration() {
        return Duration.ofSeconds(durationSeconds);
    }

    public Duration warmup() {
        return Duration.ofSeconds(warmupSeconds);
    }

    public Duration sessionLength() {
        return Duration.ofSeconds(sessionSeconds);
    }

    public Duration logonDelay() {
        return Duration.ofMillis(logonDelayMillis);
    }

    public int connections() {
        return connections;
    }

    public int agentConnections() {
        return agentConnections;
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    public boolean baseline() {
        return baseline;
    }

    public boolean max() {
        return max;
    }

    public double p99BoundMillis() {
        return p99BoundMillis;
    }

    public Duration stepDuration() {
        return Duration.ofSeconds(stepSeconds);
    }

    public double maxRate() {
        return maxRate;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int inventoryPort() {
        return inventoryPort;
    }

    public int sessionPort() {
        return sessionPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Optional<String> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    public Optional<String> gatewayToken() {
        return Optional.ofNullable(gatewayToken);
    }

    public Path output() {
        return output;
    }

    /** Logon cap, load threshold, loaded hosts, power controller. */
    public SimulatedHostOptions hosts() {
        return hosts;
    }

    public boolean cleanup() {
        return cleanup;
    }

    public boolean help() {
        return help;
    }
}
