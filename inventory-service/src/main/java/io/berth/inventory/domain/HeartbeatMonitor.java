package io.berth.inventory.domain;

import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostLoad;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadThresholds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hosts' signs of life: accepts heartbeats (publishing a snapshot on a change, or once the published one is
 * one interval old) and turns hosts silent for three intervals {@code NO_HEARTBEAT} on the clock. A change of
 * load alone is a change only when it crosses a pool threshold (DESIGN.md 7.4), so that a load that moves
 * every heartbeat does not publish every heartbeat.
 */
final class HeartbeatMonitor {

    private final PoolCatalog catalog;
    private final HostDirectory hosts;
    private Instant monitoringSince;

    HeartbeatMonitor(PoolCatalog catalog, HostDirectory hosts) {
        this.catalog = catalog;
        this.hosts = hosts;
    }

    /** Accepts a heartbeat from the agent whose token has subject {@code subject} and id {@code tokenId}. */
    InventoryOutcome<Integer> heartbeat(String subject, String tokenId, Heartbeat heartbeat, Instant now) {
        if (!heartbeat.hostId().equals(subject)) {
            return InventoryOutcome.forbidden("this agent token belongs to host '" + subject
                    + "' and cannot speak for host '" + heartbeat.hostId() + "'");
        }
        HostDirectory.HostEntry entry = hosts.registered(heartbeat.hostId()).orElse(null);
        if (entry == null) {
            return InventoryOutcome.unauthenticated("host '" + heartbeat.hostId() + "' is not registered; register again");
        }
        if (!Objects.equals(entry.registration.agentTokenId(), tokenId)) {
            return InventoryOutcome.unauthenticated("this agent token was replaced by a newer registration of host '"
                    + heartbeat.hostId() + "'");
        }
        int interval = catalog.heartbeatSeconds(entry.registration.poolId());
        HostHealthEvent current = hosts.current(entry);
        HostHealthEvent next = new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, current.hostId(),
                current.poolId(), HostHealthMachine.onHeartbeat(heartbeat.status(), heartbeat.healthChecks()),
                current.allowNewSessions(), current.assignedUser(),
                heartbeat.sessionIds().stream().sorted().distinct().toList(), now, heartbeat.healthChecks(),
                current.tags(), heartbeat.load());
        Change contact = new Change.HeartbeatReceived(current.hostId(), now);
        LoadThresholds thresholds = catalog.pool(current.poolId()).map(HostPoolConfig::loadThresholds).orElse(null);
        boolean changed = !HostDirectory.isPublished(entry) || !sameApartFromHeartbeatTime(current, next)
                || overThreshold(thresholds, current.load()) != overThreshold(thresholds, next.load());
        boolean due = current.lastHeartbeat() == null
                || !now.isBefore(current.lastHeartbeat().plusSeconds(interval));
        if (changed || due) {
            return Decision.of(interval, new Change.HealthSaved(next), contact);
        }
        return Decision.of(interval, contact);
    }

    /** Starts staleness checks; silence is counted from {@code now} at the latest. */
    void startMonitoring(Instant now) {
        monitoringSince = now;
    }

    /** The hosts that turn {@code NO_HEARTBEAT} at {@code now}; none before monitoring started. */
    List<Change> onClock(Instant now) {
        List<Change> changes = new ArrayList<>();
        if (monitoringSince == null) {
            return changes;
        }
        for (HostDirectory.HostEntry entry : hosts.registeredHosts()) {
            HostHealthEvent current = hosts.current(entry);
            Instant lastContact = entry.lastContact == null || entry.lastContact.isBefore(monitoringSince)
                    ? monitoringSince : entry.lastContact;
            Health health = HostHealthMachine.onClock(current.health(), lastContact, now,
                    catalog.heartbeatSeconds(entry.registration.poolId()));
            if (health != current.health()) {
                changes.add(new Change.HealthSaved(withHealth(current, health)));
            }
        }
        return changes;
    }

    boolean isMonitoring() {
        return monitoringSince != null;
    }

    /**
     * Whether a load is at or above one of the pool's thresholds. Only crossing them is worth a snapshot
     * before the interval is up: a load that moves below them changes no placement.
     */
    static boolean overThreshold(LoadThresholds thresholds, HostLoad load) {
        return thresholds != null && thresholds.exceededBy(load);
    }

    private static boolean sameApartFromHeartbeatTime(HostHealthEvent a, HostHealthEvent b) {
        return a.health() == b.health() && a.allowNewSessions() == b.allowNewSessions()
                && Objects.equals(a.assignedUser(), b.assignedUser()) && a.sessionIds().equals(b.sessionIds())
                && a.healthChecks().equals(b.healthChecks()) && a.poolId().equals(b.poolId())
                && a.tags().equals(b.tags());
    }

    private static HostHealthEvent withHealth(HostHealthEvent snapshot, Health health) {
        return new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, snapshot.hostId(), snapshot.poolId(), health,
                snapshot.allowNewSessions(), snapshot.assignedUser(), snapshot.sessionIds(), snapshot.lastHeartbeat(),
                snapshot.healthChecks(), snapshot.tags(), snapshot.load());
    }
}
