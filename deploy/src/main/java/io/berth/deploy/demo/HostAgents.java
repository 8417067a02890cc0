package io.berth.deploy.demo;

import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.deploy.client.AgentCommand;
import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.HeartbeatAnswer;
import io.berth.deploy.client.HeartbeatReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The agents of a fleet of {@link SimulatedHost}s, shared by the demo fleet and the load generator: each
 * host's heartbeats (its status, sessions, acknowledgements and load), the commands their answers carry
 * ({@code LOGOFF} ends the session, {@code MESSAGE} is shown, i.e. counted; a command seen again is only
 * acknowledged again), and, as the power controller of these simulated VMs, {@code STOP} (the users are
 * logged off, one {@code SHUTDOWN} heartbeat, then silence) and {@code START} (a simulated boot, then
 * heartbeats again). Used from one Vert.x context.
 */
public final class HostAgents {

    /** How a fleet ends one of its sessions (reports its LOGOFF and forgets its timers). */
    @FunctionalInterface
    public interface SessionEnding {
        void logOff(SimulatedHost host, String sessionId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HostAgents.class);

    private final Vertx vertx;
    private final BerthApiClient api;
    private final Duration bootTime;
    private final Function<String, SimulatedHost> hosts;
    private final SessionEnding sessionEnding;
    private final Consumer<Throwable> onFailure;
    // At most one heartbeat in flight per host; the SHUTDOWN one waits for it, so it cannot be overtaken.
    private final Map<String, Future<?>> lastHeartbeat = new HashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong logoffCommands = new AtomicLong();
    private final AtomicLong stops = new AtomicLong();
    private final AtomicLong starts = new AtomicLong();

    /**
     * @param hosts     the fleet's host by id (null when not one of its hosts)
     * @param onFailure told of every failed heartbeat (to count or log it)
     */
    public HostAgents(Vertx vertx, BerthApiClient api, Duration bootTime, Function<String, SimulatedHost> hosts,
                      SessionEnding sessionEnding, Consumer<Throwable> onFailure) {
        this.vertx = vertx;
        this.api = api;
        this.bootTime = bootTime;
        this.hosts = hosts;
        this.sessionEnding = sessionEnding;
        this.onFailure = onFailure;
    }

    /**
     * Sends the host's heartbeat if it runs and carries out the commands of the answer. While one is in flight
     * for the host, that one is answered instead: an agent does not pile heartbeats up behind a slow inventory.
     */
    public Future<?> heartbeat(SimulatedHost host) {
        Future<?> inFlight = lastHeartbeat.get(host.hostId());
        if (!host.running()) {
            return Future.succeededFuture();
        }
        return inFlight != null ? inFlight : send(host);
    }

    /** A record of {@code berth.host-commands}: the power controller's part, START and STOP of a fleet's host. */
    public void powerCommand(HostCommandEvent event) {
        SimulatedHost host = event.hostId() == null ? null : hosts.apply(event.hostId());
        if (host == null) {
            return;
        }
        if (event.command() == HostCommandType.STOP && host.stop()) {
            stops.incrementAndGet();
            LOG.info("Simulated host {}: STOP ({}): shutting down", host.hostId(), event.reason());
            // The VM shuts down: whoever is still on it is logged off first.
            host.sessionIds().forEach(sessionId -> sessionEnding.logOff(host, sessionId));
            send(host);
        } else if (event.command() == HostCommandType.START && host.start()) {
            starts.incrementAndGet();
            LOG.info("Simulated host {}: START ({}): booting", host.hostId(), event.reason());
            vertx.setTimer(Math.max(1, bootTime.toMillis()), t -> {
                if (host.booted()) {
                    heartbeat(host);
                }
            });
        }
    }

    private Future<?> send(SimulatedHost host) {
        Future<?> previous = lastHeartbeat.getOrDefault(host.hostId(), Future.succeededFuture());
        Future<?> next = previous.eventually(() -> {
            HeartbeatReport report = host.report();
            return api.heartbeat(host.agentToken(), host.hostId(), report)
                    .onSuccess(answer -> answered(host, report, answer))
                    .onFailure(onFailure::accept);
        });
        lastHeartbeat.put(host.hostId(), next);
        return next.onComplete(ar -> lastHeartbeat.remove(host.hostId(), next));
    }

    private void answered(SimulatedHost host, HeartbeatReport sent, HeartbeatAnswer answer) {
        host.acknowledged(sent.ackedCommandIds());
        for (AgentCommand command : host.received(answer.commands())) {
            if (command.command() == HostCommandType.LOGOFF && command.sessionId() != null) {
                logoffCommands.incrementAndGet();
                if (host.session(command.sessionId()).isPresent()) {
                    sessionEnding.logOff(host, command.sessionId());
                }
            } else if (command.command() == HostCommandType.MESSAGE) {
                messages.incrementAndGet();
                LOG.debug("Simulated host {}: message for session {}: {}", host.hostId(), command.sessionId(),
                        command.message());
            }
        }
    }

    /** MESSAGE commands shown (each command id once). */
    public long messages() {
        return messages.get();
    }

    /** LOGOFF commands received (each command id once). */
    public long logoffCommands() {
        return logoffCommands.get();
    }

    /** STOP commands that shut a running host down. */
    public long stops() {
        return stops.get();
    }

    /** START commands that booted a stopped host. */
    public long starts() {
        return starts.get();
    }
}
