package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A {@code berth.host-health} snapshot applied to the host's entry on its owner (slots are kept), with the
 * session ids the heartbeat listed (they count toward the host's load, see {@link HostEntry#liveSessions()}) and
 * the load it reported (null clears the last one: unknown load is not filtered).
 */
public final class ApplyHealth implements BiFunction<String, HostEntry, HostEntry> {

    @ProtoField(1)
    final String poolId;
    @ProtoField(2)
    final String health;
    @ProtoField(number = 3, defaultValue = "false")
    final boolean allowNewSessions;
    @ProtoField(4)
    final String assignedUser;
    @ProtoField(number = 5, defaultValue = "0")
    final long lastHeartbeatMillis;
    @ProtoField(number = 6, collectionImplementation = ArrayList.class)
    final List<String> sessionIds;
    @ProtoField(7)
    final HostLoad load;

    @ProtoFactory
    public ApplyHealth(String poolId, String health, boolean allowNewSessions, String assignedUser,
                       long lastHeartbeatMillis, List<String> sessionIds, HostLoad load) {
        this.poolId = poolId;
        this.health = health;
        this.allowNewSessions = allowNewSessions;
        this.assignedUser = assignedUser;
        this.lastHeartbeatMillis = lastHeartbeatMillis;
        this.sessionIds = sessionIds == null ? List.of()
                : sessionIds.stream().filter(Objects::nonNull).distinct().toList();
        this.load = load;
    }

    public ApplyHealth(String poolId, String health, boolean allowNewSessions, String assignedUser,
                       long lastHeartbeatMillis, List<String> sessionIds) {
        this(poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, sessionIds, null);
    }

    public ApplyHealth(String poolId, String health, boolean allowNewSessions, String assignedUser,
                       long lastHeartbeatMillis) {
        this(poolId, health, allowNewSessions, assignedUser, lastHeartbeatMillis, List.of());
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        HostEntry host = current != null ? current : HostEntry.placeholder(hostId, poolId);
        return host.withHealth(poolId, Health.valueOf(health), allowNewSessions, assignedUser, lastHeartbeatMillis,
                sessionIds, load);
    }
}
