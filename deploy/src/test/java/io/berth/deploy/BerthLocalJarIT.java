package io.berth.deploy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code java -jar target/berth-local.jar} as a user runs it: flags, banner, readiness, SIGTERM. */
class BerthLocalJarIT {

    private static final Path JAR = Path.of("target", "berth-local.jar");
    private static final Pattern BROKER_URL = Pattern.compile("broker-service\\s+http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dataDir;

    private Process process;

    @AfterEach
    void killIfStillRunning() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        // when
        Result result = runToEnd("--help");

        // then
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("Usage: java -jar berth-local.jar", "--demo-hosts");
    }

    @Test
    void aBadArgumentPrintsUsageAndExitsTwo() throws Exception {
        // when
        Result result = runToEnd("--demo-hosts", "lots");

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("--demo-hosts must be a whole number", "Usage:");
    }

    @Test
    void aPortInUseIsAClearStartFailureWithExitCodeOne() throws Exception {
        // given the broker's port is taken
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // when
            Result result = runToEnd(Map.of("BERTH_BROKER_HTTP_PORT", String.valueOf(taken.getLocalPort())),
                    "--data-dir", dataDir.toString(), "--demo-hosts", "0");

            // then
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("berth-local failed to start: port " + taken.getLocalPort()
                    + " for broker-service is already in use", "BERTH_BROKER_HTTP_PORT");
        }
    }

    @Test
    void startsPrintsTokensAndStopsCleanlyOnSigterm() throws Exception {
        // given the jar started on a fresh data directory, ports clear of a running launcher
        process = launcher("--data-dir", dataDir.toString(), "--demo-hosts", "2").start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread pump = pump(process, lines);

        // when it says it is running
        await().atMost(Duration.ofSeconds(120)).until(() -> joined(lines).contains("Metrics: "));

        // then it printed tokens and a command to try, and the broker it names is ready
        String banner = joined(lines);
        assertThat(banner).contains("all three /health/ready = 200 after", "export BERTH_ADMIN_TOKEN=ey",
                "export BERTH_GATEWAY_TOKEN=ey", "/api/v1/connect", "2 simulated hosts");
        Matcher broker = BROKER_URL.matcher(banner);
        assertThat(broker.find()).isTrue();
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.group(1) + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        // when it gets SIGTERM (through its handle: Process.destroy() would also close our end of its output)
        assertThat(process.toHandle().destroy()).isTrue();

        // then it stops everything and exits
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        pump.join(5_000);
        assertThat(joined(lines)).as("output, exit code %d", process.exitValue()).contains("berth-local: stopped");
        assertThat(dataDir.resolve("kafka").resolve("meta.properties")).exists();
    }

    private record Result(int exitCode, String output) {
    }

    private Result runToEnd(String... args) throws Exception {
        return runToEnd(Map.of(), args);
    }

    private Result runToEnd(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = launcher(args);
        builder.environment().putAll(env);
        process = builder.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread pump = pump(process, lines);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        pump.join(5_000);
        return new Result(process.exitValue(), joined(lines));
    }

    private static ProcessBuilder launcher(String... args) {
        assertThat(JAR).as("run 'mvn package' first").exists();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BERTH_"));
        builder.environment().putAll(LauncherTestEnv.variables());
        return builder;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Thread pump(Process process, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "launcher-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
