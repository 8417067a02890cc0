package io.berth.deploy.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The load generator's command line. Every number is bounded, so a typo cannot start an unbounded run,
 * and every request goes to 127.0.0.1.
 */
public record LoadGenOptions(
        int pools, int hostsPerPool, int maxSessionsPerHost, String loadBalancer,
        double rate, Duration duration, Duration warmup, Duration sessionLength, Duration logonDelay,
        int connections, int agentConnections, Duration requestTimeout,
        boolean baseline, boolean max, double p99BoundMillis, Duration stepDuration, double maxRate,
        int brokerPort, int inventoryPort, int sessionPort,
        Path dataDir, Optional<String> adminToken, Optional<String> gatewayToken,
        Path output, boolean cleanup, boolean help) {

    public static final String USAGE = """
            Usage: java -jar berth-loadgen.jar [options]

            Sets up K pools of N simulated hosts through Berth's API, then drives POST /api/v1/connect at a fixed
            rate (open model: latency is measured from when each request was due, so a slow server cannot hide
            it), while the simulated hosts heartbeat and log each placed user on and off again. Prints a line
            every second and a summary at the end, also written as JSON. Talks to 127.0.0.1 only.

            Fleet:
              --pools K                  pools (default 4)
              --hosts-per-pool N         simulated hosts per pool (default 250)
              --max-sessions-per-host M  the pools' limit (default 50)
              --load-balancer LB         BREADTH_FIRST or DEPTH_FIRST (default BREADTH_FIRST)
              --session-seconds S        how long a simulated user stays logged on (default 10)
              --logon-delay-ms D         from the connect answer to the user's LOGON (default 200)
              --cleanup                  delete the hosts and pools at the end
            Load:
              --rate R                   connects per second (default 1000)
              --duration SECONDS         measured time (default 60)
              --warmup SECONDS           unmeasured time at the same rate before it (default 5)
              --connections C            HTTP connections to the broker (default 64)
              --agent-connections A      HTTP connections the simulated agents share per service (default 256:
                                         real agents each have their own; too few and their reports queue,
                                         sessions stay PENDING and hold their slots)
              --timeout-ms T             a request not answered by then counts as an error (default 10000)
              --baseline                 also drive the same rate at the broker's GET /health/live (no-op) and
                                         report connect throughput / no-op throughput
              --max                      search the highest rate whose p99 stays under --p99-ms, starting at
                                         --rate, each step --step-seconds long (with --baseline: for both)
              --p99-ms B                 the bound for --max (default 25)
              --step-seconds S           length of each --max step (default 10)
              --max-rate R               never try more than this (default 50000)
            Target:
              --broker-port P, --inventory-port P, --session-port P  (default 8080, 8081, 8082)
              --data-dir DIR             where berth-local keeps jwt-secret, to mint tokens (default ./.berth;
                                         BERTH_JWT_SECRET wins when set)
              --admin-token T, --gateway-token T   use these tokens instead of minting them
            Output:
              --output FILE              the JSON summary (default loadgen-summary.json)
              --help
            """;

    public static LoadGenOptions defaults() {
        return new LoadGenOptions(4, 250, 50, "BREADTH_FIRST", 1000, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMillis(200), 64, 256, Duration.ofSeconds(10),
                false, false, 25, Duration.ofSeconds(10), 50_000,
                8080, 8081, 8082, Path.of(".berth"), Optional.empty(), Optional.empty(),
                Path.of("loadgen-summary.json"), false, false);
    }

    public int totalHosts() {
        return pools * hostsPerPool;
    }

    public long capacity() {
        return (long) totalHosts() * maxSessionsPerHost;
    }

    public static LoadGenOptions parse(String... args) {
        LoadGenOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean inline = arg.contains("=");
            String v = null;
            if (needsValue(flag)) {
                if (inline) {
                    v = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    v = args[++i];
                } else {
                    throw new UsageException(flag + " needs a value");
                }
            }
            o = switch (flag) {
                case "--help", "-h" -> o.with(b -> b.help = true);
                case "--baseline" -> o.with(b -> b.baseline = true);
                case "--max" -> o.with(b -> b.max = true);
                case "--cleanup" -> o.with(b -> b.cleanup = true);
                case "--pools" -> { int n = integer(flag, v, 1, 100); yield o.with(b -> b.pools = n); }
                case "--hosts-per-pool" -> { int n = integer(flag, v, 1, 10_000); yield o.with(b -> b.hostsPerPool = n); }
                case "--max-sessions-per-host" -> { int n = integer(flag, v, 1, 10_000); yield o.with(b -> b.maxSessionsPerHost = n); }
                case "--load-balancer" -> {
                    String lb = v.toUpperCase(Locale.ROOT);
                    if (!lb.equals("BREADTH_FIRST") && !lb.equals("DEPTH_FIRST")) {
                        throw new UsageException("--load-balancer must be BREADTH_FIRST or DEPTH_FIRST, was '" + v + "'");
                    }
                    yield o.with(b -> b.loadBalancer = lb);
                }
                case "--session-seconds" -> { int n = integer(flag, v, 1, 86_400); yield o.with(b -> b.sessionLength = Duration.ofSeconds(n)); }
                case "--logon-delay-ms" -> { int n = integer(flag, v, 0, 60_000); yield o.with(b -> b.logonDelay = Duration.ofMillis(n)); }
                case "--rate" -> { double r = decimal(flag, v, 1, 100_000); yield o.with(b -> b.rate = r); }
                case "--duration" -> { int n = integer(flag, v, 1, 3600); yield o.with(b -> b.duration = Duration.ofSeconds(n)); }
                case "--warmup" -> { int n = integer(flag, v, 0, 600); yield o.with(b -> b.warmup = Duration.ofSeconds(n)); }
                case "--connections" -> { int n = integer(flag, v, 1, 1024); yield o.with(b -> b.connections = n); }
                case "--agent-connections" -> {
                    int n = integer(flag, v, 1, 4096);
                    yield o.with(b -> b.agentConnections = n);
                }
                case "--timeout-ms" -> { int n = integer(flag, v, 100, 120_000); yield o.with(b -> b.requestTimeout = Duration.ofMillis(n)); }
                case "--p99-ms" -> { double d = decimal(flag, v, 0.1, 60_000); yield o.with(b -> b.p99BoundMillis = d); }
                case "--step-seconds" -> { int n = integer(flag, v, 1, 600); yield o.with(b -> b.stepDuration = Duration.ofSeconds(n)); }
                case "--max-rate" -> { double r = decimal(flag, v, 1, 100_000); yield o.with(b -> b.maxRate = r); }
                case "--broker-port" -> { int n = integer(flag, v, 1, 65535); yield o.with(b -> b.brokerPort = n); }
                case "--inventory-port" -> { int n = integer(flag, v, 1, 65535); yield o.with(b -> b.inventoryPort = n); }
                case "--session-port" -> { int n = integer(flag, v, 1, 65535); yield o.with(b -> b.sessionPort = n); }
                case "--data-dir" -> { String d = v; yield o.with(b -> b.dataDir = Path.of(d)); }
                case "--admin-token" -> { String t = v; yield o.with(b -> b.adminToken = Optional.of(t)); }
                case "--gateway-token" -> { String t = v; yield o.with(b -> b.gatewayToken = Optional.of(t)); }
                case "--output" -> { String f = v; yield o.with(b -> b.output = Path.of(f)); }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            };
        }
        if (!o.max && o.capacity() < Math.ceil(o.rate * o.sessionLength.toMillis() / 1000.0)) {
            throw new UsageException(String.format(Locale.ROOT,
                    "%.0f connects/s with %d s sessions need %.0f live sessions, more than the fleet holds (%d);"
                            + " add hosts or sessions per host, or shorten --session-seconds",
                    o.rate, o.sessionLength.toSeconds(), o.rate * o.sessionLength.toSeconds(), o.capacity()));
        }
        if ((long) o.pools * o.hostsPerPool > 100_000) {
            throw new UsageException("at most 100000 simulated hosts in all");
        }
        return o;
    }

    private static boolean needsValue(String flag) {
        return switch (flag) {
            case "--help", "-h", "--baseline", "--max", "--cleanup" -> false;
            default -> flag.startsWith("--");
        };
    }

    private static int integer(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new UsageException(flag + " must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number, was '" + value + "'");
        }
    }

    private static double decimal(String flag, String value, double min, double max) {
        try {
            double d = Double.parseDouble(value.trim());
            if (!(d >= min && d <= max)) {
                throw new UsageException(flag + " must be between " + min + " and " + max + ", was " + value);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a number, was '" + value + "'");
        }
    }

    private LoadGenOptions with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** Mutable copy used while parsing. */
    private static final class Builder {
        int pools, hostsPerPool, maxSessionsPerHost, connections, agentConnections, brokerPort, inventoryPort, sessionPort;
        String loadBalancer;
        double rate, p99BoundMillis, maxRate;
        Duration duration, warmup, sessionLength, logonDelay, requestTimeout, stepDuration;
        boolean baseline, max, cleanup, help;
        Path dataDir, output;
        Optional<String> adminToken, gatewayToken;

        Builder(LoadGenOptions o) {
            pools = o.pools; hostsPerPool = o.hostsPerPool; maxSessionsPerHost = o.maxSessionsPerHost;
            loadBalancer = o.loadBalancer; rate = o.rate; duration = o.duration; warmup = o.warmup;
            sessionLength = o.sessionLength; logonDelay = o.logonDelay; connections = o.connections;
            agentConnections = o.agentConnections;
            requestTimeout = o.requestTimeout; baseline = o.baseline; max = o.max; p99BoundMillis = o.p99BoundMillis;
            stepDuration = o.stepDuration; maxRate = o.maxRate; brokerPort = o.brokerPort;
            inventoryPort = o.inventoryPort; sessionPort = o.sessionPort; dataDir = o.dataDir;
            adminToken = o.adminToken; gatewayToken = o.gatewayToken; output = o.output; cleanup = o.cleanup;
            help = o.help;
        }

        LoadGenOptions build() {
            return new LoadGenOptions(pools, hostsPerPool, maxSessionsPerHost, loadBalancer, rate, duration, warmup,
                    sessionLength, logonDelay, connections, agentConnections, requestTimeout, baseline, max, p99BoundMillis,
                    stepDuration, maxRate, brokerPort, inventoryPort, sessionPort, dataDir, adminToken, gatewayToken,
                    output, cleanup, help);
        }
    }

    /** The command line cannot be understood; the message says what is wrong. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
