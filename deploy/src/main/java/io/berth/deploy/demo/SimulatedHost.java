package io.berth.deploy.demo;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HostLoad;
import io.berth.deploy.client.AgentCommand;
import io.berth.deploy.client.HeartbeatReport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one simulated session host knows of its sessions: allocated to it (the user is on the way), logged
 * on, logged off. Its heartbeat reports every session it knows that has not ended, so the session service
 * can reconcile. It also keeps the agent's side of the command channel (DESIGN.md 7.2): which commands it
 * has carried out (a command sent again is not carried out twice) and which it still has to acknowledge;
 * and the power state a power controller gives it. Plain Java, not thread-safe: the fleet uses it from one
 * Vert.x context.
 */
public final class SimulatedHost {

    /** Where one session stands on this host. */
    public enum Stage { ALLOCATED, LOGGED_ON }

    /** A session on this host and the user it belongs to. */
    public record HostedSession(String sessionId, String userId, Stage stage) {
    }

    /**
     * Whether the simulated VM runs: {@code ON} heartbeats, {@code OFF} is silent after one {@code SHUTDOWN}
     * heartbeat, {@code BOOTING} is silent until its boot is over.
     */
    public enum Power { ON, OFF, BOOTING }

    // The inventory resends a command until it is acknowledged or 10 minutes old: far fewer than this many
    // distinct commands reach one host in that time, so the oldest ids can be forgotten.
    static final int REMEMBERED_COMMANDS = 1024;

    private final String hostId;
    private final String agentToken;
    private final Map<String, HostedSession> sessions = new LinkedHashMap<>();
    private final Set<String> carriedOut = new LinkedHashSet<>();
    private final Set<String> toAcknowledge = new LinkedHashSet<>();
    private Power power = Power.ON;
    private HostLoad load;

    public SimulatedHost(String hostId, String agentToken) {
        this.hostId = hostId;
        this.agentToken = agentToken;
    }

    public String hostId() {
        return hostId;
    }

    public String agentToken() {
        return agentToken;
    }

    /** A broker placed {@code userId} here; false when the session was already known (a redelivery). */
    public boolean allocated(String sessionId, String userId) {
        return sessions.putIfAbsent(sessionId, new HostedSession(sessionId, userId, Stage.ALLOCATED)) == null;
    }

    /** The user logged on; false when the session is unknown here (ended meanwhile). */
    public boolean loggedOn(String sessionId) {
        HostedSession session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        sessions.put(sessionId, new HostedSession(sessionId, session.userId(), Stage.LOGGED_ON));
        return true;
    }

    /** The session ended on this host (logoff, a failed logon); answers it if it was known. */
    public Optional<HostedSession> ended(String sessionId) {
        return Optional.ofNullable(sessions.remove(sessionId));
    }

    public Optional<HostedSession> session(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    /** The session ids a heartbeat reports: every session this host knows of. */
    public Collection<String> sessionIds() {
        return List.copyOf(sessions.keySet());
    }

    public int sessionCount() {
        return sessions.size();
    }

    /**
     * The commands of a heartbeat answer: each is to be acknowledged in the next heartbeat; answers those to
     * carry out, i.e. the ones not seen before, in the order given.
     */
    public List<AgentCommand> received(List<AgentCommand> commands) {
        List<AgentCommand> fresh = new ArrayList<>();
        for (AgentCommand command : commands) {
            toAcknowledge.add(command.commandId());
            if (carriedOut.add(command.commandId())) {
                fresh.add(command);
                if (carriedOut.size() > REMEMBERED_COMMANDS) {
                    carriedOut.remove(carriedOut.iterator().next());
                }
            }
        }
        return fresh;
    }

    /** A heartbeat carrying these acknowledgements was answered 200: they need not be sent again. */
    public void acknowledged(Collection<String> commandIds) {
        toAcknowledge.removeAll(commandIds);
    }

    /** What the next heartbeat says: AVAILABLE (or SHUTDOWN when off), the sessions, the acks and the load. */
    public HeartbeatReport report() {
        AgentStatus status = power == Power.ON ? AgentStatus.AVAILABLE : AgentStatus.SHUTDOWN;
        return new HeartbeatReport(status, sessionIds(), List.copyOf(toAcknowledge), load);
    }

    /** The load the next heartbeats report; null reports none. */
    public void reportLoad(HostLoad load) {
        this.load = load;
    }

    public HostLoad load() {
        return load;
    }

    public Power power() {
        return power;
    }

    /** Whether the host heartbeats now. */
    public boolean running() {
        return power == Power.ON;
    }

    /** A STOP: true when the host was on or booting (it then reports SHUTDOWN once and goes silent). */
    public boolean stop() {
        if (power == Power.OFF) {
            return false;
        }
        power = Power.OFF;
        return true;
    }

    /** A START: true when the host was off and now boots; a running or booting host ignores it. */
    public boolean start() {
        if (power != Power.OFF) {
            return false;
        }
        power = Power.BOOTING;
        return true;
    }

    /** The boot is over: true when the host runs now (false when a STOP came during the boot). */
    public boolean booted() {
        if (power != Power.BOOTING) {
            return false;
        }
        power = Power.ON;
        return true;
    }
}
