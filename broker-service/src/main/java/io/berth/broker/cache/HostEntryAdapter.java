package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.SlotHolder;
import io.berth.common.events.Health;
import io.berth.common.events.HostLoad;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.List;

/** ProtoStream schema of {@link HostEntry}: the domain record stays free of marshalling annotations. */
@ProtoAdapter(HostEntry.class)
public final class HostEntryAdapter {

    @ProtoFactory
    HostEntry create(String hostId, String poolId, String health, boolean allowNewSessions, String assignedUser,
                     long lastHeartbeatMillis, List<SlotHolder> slots, String claimedUser, long revision,
                     List<String> reportedSessionIds, HostLoad load) {
        return new HostEntry(hostId, poolId, health == null ? Health.UNAVAILABLE : Health.valueOf(health),
                allowNewSessions, assignedUser, lastHeartbeatMillis, slots, claimedUser, revision, reportedSessionIds,
                load);
    }

    @ProtoField(1)
    String getHostId(HostEntry host) {
        return host.hostId();
    }

    @ProtoField(2)
    String getPoolId(HostEntry host) {
        return host.poolId();
    }

    @ProtoField(3)
    String getHealth(HostEntry host) {
        return host.health().name();
    }

    @ProtoField(number = 4, defaultValue = "false")
    boolean getAllowNewSessions(HostEntry host) {
        return host.allowNewSessions();
    }

    @ProtoField(5)
    String getAssignedUser(HostEntry host) {
        return host.assignedUser();
    }

    @ProtoField(number = 6, defaultValue = "0")
    long getLastHeartbeatMillis(HostEntry host) {
        return host.lastHeartbeatMillis();
    }

    @ProtoField(number = 7, collectionImplementation = ArrayList.class)
    List<SlotHolder> getSlots(HostEntry host) {
        return host.slots();
    }

    @ProtoField(8)
    String getClaimedUser(HostEntry host) {
        return host.claimedUser();
    }

    @ProtoField(number = 9, defaultValue = "0")
    long getRevision(HostEntry host) {
        return host.revision();
    }

    @ProtoField(number = 10, collectionImplementation = ArrayList.class)
    List<String> getReportedSessionIds(HostEntry host) {
        return host.reportedSessionIds();
    }

    @ProtoField(11)
    HostLoad getLoad(HostEntry host) {
        return host.load();
    }
}
