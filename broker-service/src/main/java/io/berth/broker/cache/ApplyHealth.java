package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.common.events.Health;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.function.BiFunction;

/** A {@code berth.host-health} snapshot applied to the host's entry on its owner (slots are kept). */
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

    @ProtoFactory
    public ApplyHealth(String poolId, String health, boolean allowNewSessions, String assignedUser,
                       long lastHeartbeatMillis) {
        this.poolId = poolId;
        this.health = health;
        this.allowNewSessions = allowNewSessions;
        this.assignedUser = assignedUser;
        this.lastHeartbeatMillis = lastHeartbeatMillis;
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        HostEntry host = current != null ? current : HostEntry.placeholder(hostId, poolId);
        return host.withHealth(poolId, Health.valueOf(health), allowNewSessions, assignedUser, lastHeartbeatMillis);
    }
}
