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
 * tag), on (not {@code SHUTDOWN}, and not {@code NO_HEARTBEAT}/{@code UNAVAILABLE} for longer than 5 minutes),
 * and the live sessions of managed hosts. Which hosts are available depends on drains, so the decision keeps that.
 */
final class PoolFleet {

    static final Duration SILENT_BEFORE_OFF = Duration.ofMinutes(5);

    private final List<HostFacts> hosts;
    private final Map<String, HostFacts> byId = new HashMap<>();
    private final String exclusionTag;
    private final Instant now;
    private final int liveSessions;

    PoolFleet(List<HostFacts> hosts, String exclusionTag, Instant now) {
        this.hosts = new ArrayList<>(hosts);
        this.hosts.sort(Comparator.comparing(HostFacts::hostId));
        this.exclusionTag = exclusionTag;
        this.now = now;
        int live = 0;
        for (HostFacts host : this.hosts) {
            byId.put(host.hostId(), host);
            if (isManaged(host)) {
                live += liveSessions(host);
            }
        }
        this.liveSessions = live;
    }

    /** Every host of the pool, in host-id order. */
    List<HostFacts> hosts() {
        return hosts;
    }

    HostFacts host(String hostId) {
        return byId.get(hostId);
    }

    boolean isManaged(HostFacts host) {
        return exclusionTag == null || !host.tags().contains(exclusionTag);
    }

    boolean isOn(HostFacts host) {
        return switch (host.health()) {
            case SHUTDOWN -> false;
            case NO_HEARTBEAT, UNAVAILABLE -> host.healthSince() == null
                    || !now.isAfter(host.healthSince().plus(SILENT_BEFORE_OFF));
            default -> true;
        };
    }

    /** Whether the host takes sessions once it is not drained: managed, on and {@code AVAILABLE}. */
    boolean isServing(HostFacts host) {
        return isManaged(host) && isOn(host) && host.health() == Health.AVAILABLE;
    }

    int managedHosts() {
        return (int) hosts.stream().filter(this::isManaged).count();
    }

    int onHosts() {
        return (int) hosts.stream().filter(h -> isManaged(h) && isOn(h)).count();
    }

    /** Live sessions on managed hosts. */
    int liveSessions() {
        return liveSessions;
    }

    static int liveSessions(HostFacts host) {
        int live = 0;
        for (SessionFact session : host.sessions()) {
            if (session.state().isLive()) {
                live++;
            }
        }
        return live;
    }

    /** Sessions that keep a host up under {@code ZERO_ACTIVE_SESSIONS}: {@code ACTIVE} and {@code PENDING}. */
    static int activeOrPendingSessions(HostFacts host) {
        int count = 0;
        for (SessionFact session : host.sessions()) {
            if (session.state() == SessionState.ACTIVE || session.state() == SessionState.PENDING) {
                count++;
            }
        }
        return count;
    }
}
