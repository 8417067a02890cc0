package io.berth.faults.topology;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the topology (Kafka or a service), its output appended to a log file, and the faults
 * the suite injects into it at the OS level: {@code kill -9}, {@code SIGSTOP}/{@code SIGCONT}. It can be
 * started again with the same command and environment (same ports, same data directory).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceProcess.class);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    private boolean paused;

    public ServiceProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Starts the process (again, after a kill: same command, environment and log). */
    public synchronized ServiceProcess start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("BERTH_"));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== start " + name + " " + java.time.Instant.now() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        paused = false;
        LOG.info("started {} (pid {})", name, process.pid());
        return this;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean paused() {
        return paused;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** {@code kill -9}: no shutdown hook, no clean close; waits until the process is gone. */
    public synchronized void kill() {
        if (!alive()) {
            return;
        }
        // A stopped process dies of SIGKILL too, but is then never left stopped in the books.
        paused = false;
        process.destroyForcibly();
        awaitExit(10);
        LOG.info("killed {} with SIGKILL", name);
    }

    /** {@code SIGSTOP}: the process stops dead, as in a long GC pause; its sockets stay open. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** {@code SIGCONT} after {@link #pause}. */
    public synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** SIGTERM (a clean stop), then SIGKILL if it has not exited within 15 s; a paused process is resumed first. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        if (paused && process.isAlive()) {
            signal("CONT");
            paused = false;
        }
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(15)) {
                process.destroyForcibly();
                awaitExit(10);
            }
        }
    }

    /** How many lines of its log start with {@code prefix} (0 while there is no log). */
    public long logLines(String prefix) {
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                return lines.filter(line -> line.startsWith(prefix)).count();
            }
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Last resort from a shutdown hook: SIGCONT and SIGKILL, without waiting for locks or exits. */
    void killNow() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.toHandle().destroyForcibly();
        }
    }

    private boolean awaitExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signal(String signal) {
        if (!alive()) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
        LOG.info("sent SIG{} to {} (pid {})", signal, name, process.pid());
    }
}
