package io.berth.deploy;

import io.berth.deploy.cli.CheckedOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The launcher's command line, {@code [--data-dir DIR] [--demo-hosts N] [--help]}, read by picocli: an
 * unknown flag, a missing value or a bad number is a usage error (see {@link CheckedOptions}).
 */
@Command(name = "java -jar berth-local.jar", sortOptions = false, usageHelpWidth = 110,
        description = {
                "Runs Berth on one machine: a Kafka broker (KRaft, data in DIR/kafka), the inventory, session and"
                        + " broker services on their default ports, and a demo fleet of simulated session hosts.",
                ""},
        footer = {
                "",
                "Environment (all optional): BERTH_KAFKA_BOOTSTRAP (use that Kafka, start none), BERTH_KAFKA_PORT"
                        + " (9092), BERTH_KAFKA_CONTROLLER_PORT (Kafka port + 1), BERTH_BROKER_HTTP_PORT (8080),"
                        + " BERTH_INVENTORY_HTTP_PORT (8081), BERTH_SESSION_HTTP_PORT (8082), BERTH_HTTP_HOST"
                        + " (127.0.0.1: this machine only; 0.0.0.0 opens the services to the network),"
                        + " BERTH_JWT_SECRET, and every other BERTH_* setting of the services."})
public final class LauncherOptions extends CheckedOptions {

    public static final int DEFAULT_DEMO_HOSTS = 20;
    public static final int MAX_DEMO_HOSTS = 10_000;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {
            "where Kafka's log and the JWT secret live (default: $BERTH_DATA_DIR or ./.berth); started again on"
                    + " the same DIR, everything acknowledged before is still there"})
    private Path dataDir;

    @Option(names = "--demo-hosts", paramLabel = "N", defaultValue = "" + DEFAULT_DEMO_HOSTS, description = {
            "simulated session hosts in the demo pool (default ${DEFAULT-VALUE}; 0 for none; at most "
                    + MAX_DEMO_HOSTS + ")"})
    private int demoHosts;

    @Option(names = "--demo-scaling-plan", description = {
            "attach scaling plan 'demo' to the demo pool: ramp-down from now (empty hosts stopped down to 10%%),"
                    + " a stopped host started when the users fill more than 60%%; sets"
                    + " BERTH_SCALER_INTERVAL_SECONDS=10 unless it is set"})
    private boolean demoScalingPlan;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    private boolean help;

    /** Reads a launcher command line; one it does not understand is a {@link picocli.CommandLine.ParameterException}. */
    public static LauncherOptions parse(String... args) {
        return CheckedOptions.parse(new LauncherOptions(), args);
    }

    @Override
    protected void check() {
        if (dataDir != null && dataDir.toString().isBlank()) {
            throw usageError("--data-dir needs a directory");
        }
        within("--demo-hosts", demoHosts, 0, MAX_DEMO_HOSTS);
        if (demoScalingPlan && demoHosts == 0) {
            throw usageError("--demo-scaling-plan needs the demo fleet (--demo-hosts 1 or more)");
        }
    }

    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    public int demoHosts() {
        return demoHosts;
    }

    public boolean demoScalingPlan() {
        return demoScalingPlan;
    }

    public boolean help() {
        return help;
    }
}
