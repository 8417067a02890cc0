package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.SessionState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's hosts classified the way DESIGN.md 7.3 counts them, in host-id order: managed (without the exclusion
 * tag), on (not {@code SHUTDOWN}, and not {@code NO_HEARTBEAT}/{@code UNAVAILABLE} for longer than 5 minutes; since
 * an unknown time counts as not longer),
 * and the live sessions of managed hosts. Which hosts are available depends on drains, so the decision keeps that.
 */
final class PoolFleet {

    static final Duration SILENT_BEFORE_OFF = Duration.ofMinutes(5);

    /** A host with what the decision asks of it again and again, worked out once. */
    private record Classified(HostFacts facts, boolean managed, boolean on, int live, int activeOrPending) {
    }

    private final List<HostFacts> hosts;
    private final Map<String, Classified> byId;
    private final int managedHosts;
    private final int onHosts;
    private final int liveSessions;

    PoolFleet(List<HostFacts> hosts, String exclusionTag, Instant now) {
        this.hosts = new ArrayList<>(hosts);
        this.hosts.sort(Comparator.comparing(HostFacts::hostId));
        this.byId = new HashMap<>(hosts.size() * 2);
        int managed = 0;
        int on = 0;
        int live = 0;
        for (HostFacts host : this.hosts) {
            Classified classified = classify(host, exclusionTag, now);
            byId.put(host.hostId(), classified);
            if (classified.managed()) {
                managed++;
                on += classified.on() ? 1 : 0;
                live += classified.live();
            }
        }
        this.managedHosts = managed;
        this.onHosts = on;
        this.liveSessions = live;
    }

    private static Classified classify(HostFacts host, String exclusionTag, Instant now) {
        int live = 0;
        int activeOrPending = 0;
        for (SessionFact session : host.sessions()) {
            if (session.state().isLive()) {
                live++;
            }
            if (session.state() == SessionState.ACTIVE || session.state() == SessionState.PENDING) {
                activeOrPending++;
            }
        }
        boolean on = switch (host.health()) {
            case SHUTDOWN -> false;
            case NO_HEARTBEAT, UNAVAILABLE -> host.healthSince() == null
                    || !now.isAfter(host.healthSince().plus(SILENT_BEFORE_OFF));
            default -> true;
        };
        boolean managed = exclusionTag == null || !host.tags().contains(exclusionTag);
        return new Classified(host, managed, on, live, activeOrPending);
    }

    /** Every host of the pool, in host-id order. */
    List<HostFacts> hosts() {
        return hosts;
    }

    /** The host with that id, or null if the pool has none. */
    HostFacts host(String hostId) {
        Classified classified = byId.get(hostId);
        return classified == null ? null : classified.facts();
    }

    boolean isManaged(HostFacts host) {
        return byId.get(host.hostId()).managed();
    }

    boolean isOn(HostFacts host) {
        return byId.get(host.hostId()).on();
    }

    /** Whether the host takes sessions once it is not drained: managed, on and {@code AVAILABLE}. */
    boolean isServing(HostFacts host) {
        Classified classified = byId.get(host.hostId());
        return classified.managed() && classified.on() && host.health() == Health.AVAILABLE;
    }

    /** The host's live sessions. */
    int live(HostFacts host) {
        return byId.get(host.hostId()).live();
    }

    /** Sessions that keep a host up under {@code ZERO_ACTIVE_SESSIONS}: {@code ACTIVE} and {@code PENDING}. */
    int activeOrPending(HostFacts host) {
        return byId.get(host.hostId()).activeOrPending();
    }

    int managedHosts() {
        return managedHosts;
    }

    int onHosts() {
        return onHosts;
    }

    /** Live sessions on managed hosts. */
    int liveSessions() {
        return liveSessions;
    }
}
