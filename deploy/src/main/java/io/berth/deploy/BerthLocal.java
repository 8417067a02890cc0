package io.berth.deploy;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import io.berth.deploy.cli.CheckedOptions;
import io.berth.deploy.demo.DemoFleet;
import io.berth.deploy.demo.DemoScalingPlan;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar berth-local.jar [--data-dir DIR] [--demo-hosts N] [--help]}: Berth on one machine, in one
 * process. Starts Kafka and the three services (see {@link LocalStack}; they listen on 127.0.0.1 unless
 * {@code BERTH_HTTP_HOST} says otherwise, Kafka on 127.0.0.1 always), prints where they listen, how long
 * they took to become ready, an admin and a gateway token and a command to try; stops everything cleanly
 * on SIGTERM or Ctrl-C. Exit codes: 0 after a clean stop or {@code --help}, 1 when it cannot start, 2 for a
 * command line it does not understand.
 */
public final class BerthLocal {

    public static final int EXIT_START_FAILED = 1;

    private BerthLocal() {
    }

    public static void main(String[] args) {
        LauncherOptions options = new LauncherOptions();
        int exit = CheckedOptions.execute(options, args, () -> launch(options));
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Starts the stack, stops it on SIGTERM or Ctrl-C; answers 0, or {@link #EXIT_START_FAILED}. */
    private static int launch(LauncherOptions options) {
        LocalStack stack;
        try {
            stack = start(options, Env.system(), BerthServices.all());
        } catch (LaunchException | ConfigException e) {
            System.err.println("berth-local failed to start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("berth-local: stopping (services first, then Kafka)...");
            stack.close();
            System.out.println("berth-local: stopped");
        }, "berth-local-shutdown"));
        printBanner(stack, System.out);
        return 0;
    }

    /** Starts the stack the command line asks for (used by {@link #main} and by tests). */
    public static LocalStack start(LauncherOptions options, Env env, LocalStack.Services services) {
        Path dataDir = options.dataDir().orElseGet(() -> env.path(ServiceConfig.DATA_DIR, Path.of(".berth")));
        Env launchEnv = options.demoScalingPlan() ? DemoScalingPlan.withDemoScalerInterval(env) : env;
        LocalStack stack = LocalStack.start(dataDir.toAbsolutePath().normalize(), options.demoHosts(), launchEnv, services);
        if (options.demoScalingPlan()) {
            try {
                stack.demoFleet().orElseThrow().attach(DemoScalingPlan.rampingDownNow(Instant.now()))
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                stack.close();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new LaunchException("the demo scaling plan was refused: " + LaunchException.rootMessage(cause), cause);
            }
        }
        return stack;
    }

    static void printBanner(LocalStack stack, PrintStream out) {
        String broker = "http://127.0.0.1:" + stack.port(ServiceName.BROKER);
        String inventory = "http://127.0.0.1:" + stack.port(ServiceName.INVENTORY);
        String session = "http://127.0.0.1:" + stack.port(ServiceName.SESSION);
        StringBuilder text = new StringBuilder();
        text.append('\n').append("Berth is running (data in ").append(stack.dataDir()).append(")\n");
        text.append("  Kafka              ").append(stack.kafkaBootstrapServers())
                .append(stack.embeddedKafka() ? "  (embedded, KRaft)" : "  (external)").append('\n');
        text.append("  broker-service     ").append(broker).append('\n');
        text.append("  inventory-service  ").append(inventory).append('\n');
        text.append("  session-service    ").append(session).append('\n');
        StartTimings timings = stack.timings();
        text.append(String.format(Locale.ROOT, "  all three /health/ready = 200 after %s (%s since the command; Kafka took %s)%n",
                seconds(timings.ready()), seconds(timings.readySinceProcessStart()), seconds(timings.kafka())));
        stack.demoFleet().ifPresent(fleet -> text.append(String.format(Locale.ROOT,
                "  demo fleet         %d simulated hosts in pool '%s', app group '%s' (ready after another %s)%n",
                fleet.hosts(), DemoFleet.POOL_ID, DemoFleet.APP_GROUP_ID, seconds(timings.demoFleet()))));
        stack.demoFleet().flatMap(DemoFleet::scalingPlan).ifPresent(plan -> text.append(String.format(Locale.ROOT,
                "  scaling plan       '%s' on pool '%s': ramp-down since %s %s, off-peak at %s (phases: GET .../scaling)%n",
                DemoScalingPlan.PLAN_ID, DemoFleet.POOL_ID, plan.rampDown(), plan.zone().getId(), plan.offPeak())));
        if (stack.canIssueTokens()) {
            String admin = stack.adminToken();
            String gateway = stack.gatewayToken();
            text.append("\nTokens (valid 24 h):\n");
            text.append("  export BERTH_ADMIN_TOKEN=").append(admin).append('\n');
            text.append("  export BERTH_GATEWAY_TOKEN=").append(gateway).append('\n');
            text.append("\nTry it:\n");
            if (stack.demoFleet().isPresent()) {
                text.append("  # connect a demo user (alice) to the demo desktop:\n");
                text.append("  curl -s -X POST ").append(broker).append("/api/v1/connect \\\n")
                        .append("    -H \"Authorization: Bearer $BERTH_GATEWAY_TOKEN\" -H 'Content-Type: application/json' \\\n")
                        .append("    -d '{\"userId\":\"alice\",\"appGroupId\":\"").append(DemoFleet.APP_GROUP_ID).append("\"}'\n");
                text.append("  # see the demo hosts and their sessions:\n");
                text.append("  curl -s ").append(inventory).append("/api/v1/hostpools/").append(DemoFleet.POOL_ID)
                        .append("/hosts -H \"Authorization: Bearer $BERTH_ADMIN_TOKEN\"\n");
                text.append("  curl -s '").append(session).append("/api/v1/sessions?userId=alice' -H \"Authorization: Bearer $BERTH_ADMIN_TOKEN\"\n");
                if (stack.demoFleet().flatMap(DemoFleet::scalingPlan).isPresent()) {
                    text.append("  # the demo pool's scaling phase, capacity and the scaler's last actions:\n");
                    text.append("  curl -s ").append(inventory).append("/api/v1/hostpools/").append(DemoFleet.POOL_ID)
                            .append("/scaling -H \"Authorization: Bearer $BERTH_ADMIN_TOKEN\"\n");
                }
            } else {
                text.append("  curl -s ").append(inventory).append("/api/v1/hostpools -H \"Authorization: Bearer $BERTH_ADMIN_TOKEN\"\n");
            }
        } else {
            text.append("\nTokens are verified with BERTH_JWT_PUBLIC_KEY: mint them where the private key is.\n");
        }
        text.append("\nMetrics: ").append(broker).append("/metrics   Stop: Ctrl-C (or SIGTERM)\n");
        out.print(text);
        out.flush();
    }

    private static String seconds(Duration duration) {
        return duration == null ? "?" : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
