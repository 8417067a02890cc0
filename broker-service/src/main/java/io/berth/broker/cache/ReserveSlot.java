package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.function.BiFunction;

/**
 * Reserves a slot for a new session on the host's entry. Runs on the entry's primary owner under its lock,
 * so the limit check and the reservation are one atomic step across the cluster.
 */
public final class ReserveSlot implements BiFunction<String, HostEntry, HostEntry> {

    @ProtoField(1)
    final String sessionId;
    @ProtoField(2)
    final String userId;
    @ProtoField(number = 3, defaultValue = "0")
    final int limit;
    @ProtoField(number = 4, defaultValue = "false")
    final boolean personal;
    @ProtoField(number = 5, defaultValue = "0")
    final long nowMillis;

    @ProtoFactory
    public ReserveSlot(String sessionId, String userId, int limit, boolean personal, long nowMillis) {
        this.sessionId = sessionId;
        this.userId = userId;
        this.limit = limit;
        this.personal = personal;
        this.nowMillis = nowMillis;
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        return current == null ? null : current.reserve(sessionId, userId, limit, personal, nowMillis);
    }
}
