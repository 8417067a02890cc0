package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;

import java.util.ArrayList;
import java.util.List;

/** Builders for the domain's records in tests. */
final class Hosts {

    static final long NOW = 1_800_000_000_000L;

    private Hosts() {
    }

    static PoolPolicy pooled(String poolId, LoadBalancer balancer, int maxSessions) {
        return new PoolPolicy(poolId, PoolType.POOLED, balancer, maxSessions, PersonalAssignment.AUTOMATIC, false, 30,
                60);
    }

    static PoolPolicy personal(String poolId, PersonalAssignment assignment, boolean startVmOnConnect) {
        return new PoolPolicy(poolId, PoolType.PERSONAL, LoadBalancer.BREADTH_FIRST, 1, assignment,
                startVmOnConnect, 30, 60);
    }

    /** An AVAILABLE, accepting host with a heartbeat at {@link #NOW} and {@code sessions} confirmed sessions. */
    static HostEntry available(String hostId, String poolId, int sessions) {
        return new HostEntry(hostId, poolId, Health.AVAILABLE, true, null, NOW, holders(hostId, sessions), null, 1);
    }

    static HostEntry host(String hostId, String poolId, Health health, boolean allowNewSessions, int sessions) {
        return new HostEntry(hostId, poolId, health, allowNewSessions, null, NOW, holders(hostId, sessions), null, 1);
    }

    static HostEntry assigned(String hostId, String poolId, String user, Health health) {
        return new HostEntry(hostId, poolId, health, true, user, NOW, List.of(), null, 1);
    }

    static List<SlotHolder> holders(String hostId, int count) {
        List<SlotHolder> holders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            holders.add(new SlotHolder(hostId + "-s" + i, "someone-" + i, 0L));
        }
        return holders;
    }

    static HostEntry withRevision(HostEntry entry, long revision) {
        return new HostEntry(entry.hostId(), entry.poolId(), entry.health(), entry.allowNewSessions(),
                entry.assignedUser(), entry.lastHeartbeatMillis(), entry.slots(), entry.claimedUser(), revision);
    }
}
