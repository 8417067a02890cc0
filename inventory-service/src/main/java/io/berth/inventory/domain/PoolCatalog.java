package io.berth.inventory.domain;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.PoolType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The admin's configuration: host pools and the application groups that publish them, by id. */
final class PoolCatalog {

    private final Map<String, HostPoolConfig> pools = new TreeMap<>();
    private final Map<String, AppGroupConfig> appGroups = new TreeMap<>();

    Collection<HostPoolConfig> pools() {
        return pools.values();
    }

    Optional<HostPoolConfig> pool(String poolId) {
        return Optional.ofNullable(pools.get(poolId));
    }

    Collection<AppGroupConfig> appGroups() {
        return appGroups.values();
    }

    Optional<AppGroupConfig> appGroup(String appGroupId) {
        return Optional.ofNullable(appGroups.get(appGroupId));
    }

    int heartbeatSeconds(String poolId) {
        HostPoolConfig pool = pools.get(poolId);
        return pool == null ? HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS : pool.heartbeatSeconds();
    }

    /** Creates or replaces a pool; a personal pool with assigned hosts cannot turn pooled. */
    InventoryOutcome<PoolView> putPool(HostPoolConfig pool, List<String> assignedHosts) {
        HostPoolConfig existing = pools.get(pool.poolId());
        if (existing != null && existing.type() == PoolType.PERSONAL && pool.type() == PoolType.POOLED
                && !assignedHosts.isEmpty()) {
            return InventoryOutcome.conflict("pool '" + pool.poolId() + "' cannot become POOLED while hosts are"
                    + " assigned to users (" + Identifiers.abbreviate(assignedHosts) + "); unassign them first");
        }
        if (pool.equals(existing)) {
            return Decision.of(PoolView.of(pool));
        }
        return Decision.of(PoolView.of(pool), new Change.PoolSaved(pool));
    }

    /** Deletes a pool without hosts or application groups, and the registration tokens issued for it. */
    InventoryOutcome<Void> deletePool(String poolId, List<String> hosts, List<String> tokenHashes) {
        if (!pools.containsKey(poolId)) {
            return InventoryOutcome.notFound(unknownPool(poolId));
        }
        if (!hosts.isEmpty()) {
            return InventoryOutcome.conflict("pool '" + poolId + "' still has " + hosts.size() + " host(s) ("
                    + Identifiers.abbreviate(hosts) + "); remove them first");
        }
        List<String> groups = appGroups.values().stream().filter(group -> group.poolId().equals(poolId))
                .map(AppGroupConfig::appGroupId).toList();
        if (!groups.isEmpty()) {
            return InventoryOutcome.conflict("pool '" + poolId + "' is used by application group(s) "
                    + Identifiers.abbreviate(groups) + "; delete them first");
        }
        List<Change> changes = new ArrayList<>();
        changes.add(new Change.PoolRemoved(poolId));
        tokenHashes.forEach(hash -> changes.add(new Change.TokenRemoved(hash)));
        return new Decision<>(changes, null);
    }

    InventoryOutcome<AppGroupView> putAppGroup(AppGroupConfig appGroup) {
        if (!pools.containsKey(appGroup.poolId())) {
            return InventoryOutcome.notFound(unknownPool(appGroup.poolId()));
        }
        if (appGroup.equals(appGroups.get(appGroup.appGroupId()))) {
            return Decision.of(AppGroupView.of(appGroup));
        }
        return Decision.of(AppGroupView.of(appGroup), new Change.AppGroupSaved(appGroup));
    }

    InventoryOutcome<Void> deleteAppGroup(String appGroupId) {
        if (!appGroups.containsKey(appGroupId)) {
            return InventoryOutcome.notFound(unknownAppGroup(appGroupId));
        }
        return Decision.of(null, new Change.AppGroupRemoved(appGroupId));
    }

    /** Applies a pool or application group change; false for a change of anything else. */
    boolean apply(Change change) {
        if (change instanceof Change.PoolSaved saved) {
            pools.put(saved.pool().poolId(), saved.pool());
        } else if (change instanceof Change.PoolRemoved removed) {
            pools.remove(removed.poolId());
        } else if (change instanceof Change.AppGroupSaved saved) {
            appGroups.put(saved.appGroup().appGroupId(), saved.appGroup());
        } else if (change instanceof Change.AppGroupRemoved removed) {
            appGroups.remove(removed.appGroupId());
        } else {
            return false;
        }
        return true;
    }

    static String unknownPool(String poolId) {
        return "host pool '" + poolId + "' does not exist";
    }

    static String unknownAppGroup(String appGroupId) {
        return "application group '" + appGroupId + "' does not exist";
    }
}
