package io.berth.deploy;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The launcher's command line: {@code [--data-dir DIR] [--demo-hosts N] [--help]}. Parsing is strict: an
 * unknown flag, a missing value or a bad number is a {@link UsageException}.
 */
public record LauncherOptions(Optional<Path> dataDir, int demoHosts, boolean help) {

    public static final int DEFAULT_DEMO_HOSTS = 20;
    public static final int MAX_DEMO_HOSTS = 10_000;

    public static final String USAGE = """
            Usage: java -jar berth-local.jar [--data-dir DIR] [--demo-hosts N] [--help]

            Runs Berth on one machine: a Kafka broker (KRaft, data in DIR/kafka), the inventory, session and
            broker services on their default ports, and a demo fleet of simulated session hosts.

              --data-dir DIR    where Kafka's log and the JWT secret live (default: $BERTH_DATA_DIR or ./.berth);
                                started again on the same DIR, everything acknowledged before is still there
              --demo-hosts N    simulated session hosts in the demo pool (default 20; 0 for none)
              --help            this text

            Environment (all optional): BERTH_KAFKA_BOOTSTRAP (use that Kafka, start none), BERTH_KAFKA_PORT
            (9092), BERTH_KAFKA_CONTROLLER_PORT (Kafka port + 1), BERTH_BROKER_HTTP_PORT (8080),
            BERTH_INVENTORY_HTTP_PORT (8081), BERTH_SESSION_HTTP_PORT (8082), BERTH_HTTP_HOST (127.0.0.1:
            this machine only; 0.0.0.0 opens the services to the network), BERTH_JWT_SECRET, and every other
            BERTH_* setting of the services.
            """;

    public static LauncherOptions parse(String... args) {
        Optional<Path> dataDir = Optional.empty();
        int demoHosts = DEFAULT_DEMO_HOSTS;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--data-dir" -> {
                    String value = valueOf(args, i, arg);
                    if (!arg.contains("=")) {
                        i++;
                    }
                    if (value.isBlank()) {
                        throw new UsageException("--data-dir needs a directory");
                    }
                    dataDir = Optional.of(Path.of(value));
                }
                case "--demo-hosts" -> {
                    String value = valueOf(args, i, arg);
                    if (!arg.contains("=")) {
                        i++;
                    }
                    demoHosts = parseDemoHosts(value);
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        return new LauncherOptions(dataDir, demoHosts, help);
    }

    private static String valueOf(String[] args, int i, String arg) {
        if (arg.contains("=")) {
            return arg.substring(arg.indexOf('=') + 1);
        }
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException(arg + " needs a value");
        }
        return args[i + 1];
    }

    private static int parseDemoHosts(String value) {
        try {
            int hosts = Integer.parseInt(value.trim());
            if (hosts < 0 || hosts > MAX_DEMO_HOSTS) {
                throw new UsageException("--demo-hosts must be between 0 and " + MAX_DEMO_HOSTS + ", was " + hosts);
            }
            return hosts;
        } catch (NumberFormatException e) {
            throw new UsageException("--demo-hosts must be a whole number, was '" + value + "'");
        }
    }

    /** The command line cannot be understood; the message says what is wrong. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
