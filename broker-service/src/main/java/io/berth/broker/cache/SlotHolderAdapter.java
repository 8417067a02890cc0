package io.berth.broker.cache;

import io.berth.broker.domain.SlotHolder;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of {@link SlotHolder}. */
@ProtoAdapter(SlotHolder.class)
public final class SlotHolderAdapter {

    @ProtoFactory
    SlotHolder create(String sessionId, String userId, long reservedAtMillis, boolean allocated, boolean loggedOn,
                      long inDoubtSinceMillis) {
        return new SlotHolder(sessionId, userId, reservedAtMillis, allocated, loggedOn, inDoubtSinceMillis);
    }

    @ProtoField(1)
    String getSessionId(SlotHolder holder) {
        return holder.sessionId();
    }

    @ProtoField(2)
    String getUserId(SlotHolder holder) {
        return holder.userId();
    }

    @ProtoField(number = 3, defaultValue = "0")
    long getReservedAtMillis(SlotHolder holder) {
        return holder.reservedAtMillis();
    }

    @ProtoField(number = 4, defaultValue = "false")
    boolean isAllocated(SlotHolder holder) {
        return holder.allocated();
    }

    @ProtoField(number = 5, defaultValue = "false")
    boolean isLoggedOn(SlotHolder holder) {
        return holder.loggedOn();
    }

    @ProtoField(number = 6, defaultValue = "0")
    long getInDoubtSinceMillis(SlotHolder holder) {
        return holder.inDoubtSinceMillis();
    }
}
