package io.berth.inventory.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

import java.util.List;
import java.util.Optional;

/**
 * What is set on a host rather than reported by it: drain mode, tags, and in personal pools the one user a host
 * belongs to, set by an admin or by the first allocation in an {@code AUTOMATIC} pool. A user has at most one
 * host per pool.
 */
final class HostAssignments {

    private final PoolCatalog catalog;
    private final HostDirectory hosts;

    HostAssignments(PoolCatalog catalog, HostDirectory hosts) {
        this.catalog = catalog;
        this.hosts = hosts;
    }

    /** The hosts of a pool that are assigned to a user. */
    List<String> assignedHostsIn(String poolId) {
        return hosts.hostsIn(poolId).stream().map(hosts::current)
                .filter(snapshot -> snapshot.assignedUser() != null).map(HostHealthEvent::hostId).toList();
    }

    InventoryOutcome<HostView> patch(String hostId, HostPatch patch) {
        HostDirectory.HostEntry entry = hosts.registered(hostId).orElse(null);
        if (entry == null) {
            return InventoryOutcome.notFound(unknownHost(hostId));
        }
        HostHealthEvent current = hosts.current(entry);
        boolean allowNewSessions = patch.allowNewSessions() == null
                ? current.allowNewSessions() : patch.allowNewSessions();
        String assignedUser = current.assignedUser();
        if (patch.changesAssignment()) {
            HostPoolConfig pool = catalog.pool(entry.registration.poolId()).orElse(null);
            if (pool == null) {
                return InventoryOutcome.notFound(PoolCatalog.unknownPool(entry.registration.poolId()));
            }
            if (pool.type() != PoolType.PERSONAL) {
                return InventoryOutcome.conflict("host '" + hostId + "' is in POOLED pool '" + pool.poolId()
                        + "'; only hosts of PERSONAL pools are assigned to users");
            }
            assignedUser = patch.assignedUser();
            if (assignedUser != null) {
                Optional<String> other = hosts.hostOfUser(pool.poolId(), assignedUser).filter(id -> !id.equals(hostId));
                if (other.isPresent()) {
                    return InventoryOutcome.conflict("user '" + assignedUser + "' already has host '" + other.get()
                            + "' in pool '" + pool.poolId() + "'; unassign it first");
                }
            }
        }
        List<String> tags = patch.tags() == null ? current.tags() : patch.tags();
        HostHealthEvent next = new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, hostId, current.poolId(),
                current.health(), allowNewSessions, assignedUser, current.sessionIds(), current.lastHeartbeat(),
                current.healthChecks(), tags, current.load());
        if (next.equals(current) && HostDirectory.isPublished(entry)) {
            return Decision.of(hosts.view(entry));
        }
        return Decision.of(hosts.view(next), new Change.HealthSaved(next));
    }

    /**
     * A broker allocation. In a {@code PERSONAL}/{@code AUTOMATIC} pool the first allocation of an unassigned
     * host assigns it to the user, unless the user has another host there; anything else changes nothing.
     */
    List<Change> onAllocation(AllocationEvent allocation) {
        HostPoolConfig pool = catalog.pool(allocation.poolId()).orElse(null);
        if (pool == null || pool.type() != PoolType.PERSONAL
                || pool.personalAssignment() != PersonalAssignment.AUTOMATIC || allocation.userId() == null) {
            return List.of();
        }
        HostDirectory.HostEntry entry = hosts.registered(allocation.hostId())
                .filter(found -> found.registration.poolId().equals(pool.poolId())).orElse(null);
        if (entry == null) {
            return List.of();
        }
        HostHealthEvent current = hosts.current(entry);
        if (current.assignedUser() != null || hosts.hostOfUser(pool.poolId(), allocation.userId()).isPresent()) {
            return List.of();
        }
        return List.of(new Change.HealthSaved(new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, current.hostId(),
                current.poolId(), current.health(), current.allowNewSessions(), allocation.userId(),
                current.sessionIds(), current.lastHeartbeat(), current.healthChecks(), current.tags(), current.load())));
    }

    static String unknownHost(String hostId) {
        return "host '" + hostId + "' does not exist";
    }
}
