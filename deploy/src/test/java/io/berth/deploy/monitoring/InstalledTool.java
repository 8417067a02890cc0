package io.berth.deploy.monitoring;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A program found on {@code PATH} (Debian's {@code prometheus} package brings {@code prometheus} and
 * {@code promtool}; {@code .ci/run} installs it). Tests that need one are skipped, with a message saying
 * what to install, when it is absent.
 */
record InstalledTool(Path executable) {

    /** What a finished run printed (stdout and stderr together) and how it exited. */
    record Run(int exitCode, String output) {
    }

    static Optional<InstalledTool> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new InstalledTool(candidate));
            }
        }
        return Optional.empty();
    }

    /** The tool, or the calling test is skipped. */
    static InstalledTool require(String name) {
        Optional<InstalledTool> tool = find(name);
        assumeTrue(tool.isPresent(), name + " is not on PATH: install Debian's 'prometheus' package"
                + " (apt-get install prometheus; .ci/run does) to run this test");
        return tool.get();
    }

    /** Runs the tool in {@code workDir} to its end, killing it after {@code timeout}. */
    Run run(Path workDir, Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        try {
            // Read before waiting: a full pipe would block the tool.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(command + " did not finish within " + timeout);
            }
            return new Run(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Starts the tool in the background, its output appended to {@code log}. */
    Process start(Path workDir, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
