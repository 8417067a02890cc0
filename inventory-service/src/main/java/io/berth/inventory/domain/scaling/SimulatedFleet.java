package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.SessionState;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The pool as a dry run imagines it: the hosts as they are now, then changed only by the simulated demand and by
 * the decisions' actions. New sessions are {@code ACTIVE} and placed one by one like the broker places them
 * (breadth-first: fewest sessions, depth-first: most sessions below the limit; ties by host id, where the broker
 * picks at random). When demand falls, the newest sessions end first.
 */
final class SimulatedFleet {

    /** One simulated host; {@code facts} caches its {@link HostFacts} until it changes. */
    private static final class Host {
        final String hostId;
        final List<String> tags;
        Health health;
        Instant healthSince;
        boolean allowNewSessions;
        final Map<String, SessionState> sessions = new LinkedHashMap<>();
        HostFacts facts;

        Host(HostFacts facts) {
            this.hostId = facts.hostId();
            this.tags = facts.tags();
            this.health = facts.health();
            this.healthSince = facts.healthSince();
            this.allowNewSessions = facts.allowNewSessions();
            facts.sessions().stream().filter(s -> s.state().isLive())
                    .forEach(s -> sessions.put(s.sessionId(), s.state()));
        }

        HostFacts facts() {
            if (facts == null) {
                List<SessionFact> live = new ArrayList<>(sessions.size());
                sessions.forEach((id, state) -> live.add(new SessionFact(id, state)));
                facts = new HostFacts(hostId, health, healthSince, allowNewSessions, tags, live);
            }
            return facts;
        }

        boolean takesSessions(int maxSessionsPerHost) {
            return health == Health.AVAILABLE && allowNewSessions && sessions.size() < maxSessionsPerHost;
        }
    }

    private final Map<String, Host> hosts = new HashMap<>();
    private final List<Host> inIdOrder = new ArrayList<>();
    private final Deque<String[]> newestFirst = new ArrayDeque<>();
    private final int maxSessionsPerHost;
    private int liveSessions;
    private long nextSessionNumber;

    SimulatedFleet(List<HostFacts> hostsNow, int maxSessionsPerHost) {
        this.maxSessionsPerHost = maxSessionsPerHost;
        hostsNow.stream().sorted(Comparator.comparing(HostFacts::hostId)).forEach(facts -> {
            Host host = new Host(facts);
            hosts.put(host.hostId, host);
            inIdOrder.add(host);
            host.sessions.keySet().forEach(sessionId -> newestFirst.push(new String[] {host.hostId, sessionId}));
            liveSessions += host.sessions.size();
        });
    }

    List<HostFacts> facts() {
        List<HostFacts> facts = new ArrayList<>(inIdOrder.size());
        for (Host host : inIdOrder) {
            facts.add(host.facts());
        }
        return facts;
    }

    /** Brings the pool's live sessions to {@code demand}; answers how many wanted sessions found no slot. */
    int placeDemand(int demand, LoadBalancer loadBalancer) {
        while (liveSessions > demand) {
            String[] newest = newestFirst.pop();
            endSession(newest[0], newest[1]);
        }
        int wanted = demand - liveSessions;
        if (wanted <= 0) {
            return 0;
        }
        Comparator<Host> byLoad = Comparator.<Host>comparingInt(h -> h.sessions.size()).thenComparing(h -> h.hostId);
        TreeSet<Host> eligible = new TreeSet<>(byLoad);
        for (Host host : inIdOrder) {
            if (host.takesSessions(maxSessionsPerHost)) {
                eligible.add(host);
            }
        }
        int placed = 0;
        while (placed < wanted && !eligible.isEmpty()) {
            Host host = loadBalancer == LoadBalancer.DEPTH_FIRST ? eligible.pollLast() : eligible.pollFirst();
            String sessionId = "simulated-" + (++nextSessionNumber);
            host.sessions.put(sessionId, SessionState.ACTIVE);
            host.facts = null;
            newestFirst.push(new String[] {host.hostId, sessionId});
            liveSessions++;
            placed++;
            if (host.takesSessions(maxSessionsPerHost)) {
                eligible.add(host);
            }
        }
        return wanted - placed;
    }

    /** Carries out one action as the power controller, the agent and the broker would. */
    void apply(ScalingAction action) {
        Host host = hosts.get(action.hostId());
        switch (action.action()) {
            case START -> changeHealth(host, Health.AVAILABLE, action.at());
            case STOP -> changeHealth(host, Health.SHUTDOWN, action.at());
            case DRAIN -> host.allowNewSessions = false;
            case UNDRAIN -> host.allowNewSessions = true;
            case LOGOFF -> endSession(host.hostId, action.sessionId());
            case MESSAGE -> {
                return;
            }
        }
        host.facts = null;
    }

    int liveSessions() {
        return liveSessions;
    }

    private static void changeHealth(Host host, Health health, Instant at) {
        if (host.health != health) {
            host.health = health;
            host.healthSince = at;
        }
    }

    /** Ends a session if it is live; a session ended by a LOGOFF stays on the newest-first stack until popped. */
    private void endSession(String hostId, String sessionId) {
        Host host = hosts.get(hostId);
        if (host.sessions.remove(sessionId) != null) {
            host.facts = null;
            liveSessions--;
        }
    }
}
