package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.SlotLimits;
import io.berth.common.events.LoadThresholds;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.function.BiFunction;

/**
 * Reserves a slot for a new session on the host's entry. Runs on the entry's primary owner under its lock,
 * so the limit checks (sessions, logons in progress, load) and the reservation are one atomic step across the
 * cluster. A threshold of 0 is none (the pool's thresholds are 1..100).
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
    @ProtoField(number = 6, defaultValue = "0")
    final int maxPendingLogons;
    @ProtoField(number = 7, defaultValue = "0")
    final int cpuPctThreshold;
    @ProtoField(number = 8, defaultValue = "0")
    final int memoryPctThreshold;
    /** The limits rebuilt once: the function runs on the owner after unmarshalling. */
    private final SlotLimits limits;

    @ProtoFactory
    ReserveSlot(String sessionId, String userId, int limit, boolean personal, long nowMillis, int maxPendingLogons,
                int cpuPctThreshold, int memoryPctThreshold) {
        this.sessionId = sessionId;
        this.userId = userId;
        this.limit = limit;
        this.personal = personal;
        this.nowMillis = nowMillis;
        this.maxPendingLogons = maxPendingLogons;
        this.cpuPctThreshold = cpuPctThreshold;
        this.memoryPctThreshold = memoryPctThreshold;
        LoadThresholds thresholds = cpuPctThreshold == 0 && memoryPctThreshold == 0 ? null : new LoadThresholds(
                cpuPctThreshold == 0 ? null : cpuPctThreshold, memoryPctThreshold == 0 ? null : memoryPctThreshold);
        this.limits = new SlotLimits(limit, maxPendingLogons, thresholds);
    }

    public ReserveSlot(String sessionId, String userId, SlotLimits limits, boolean personal, long nowMillis) {
        this(sessionId, userId, limits.maxSessions(), personal, nowMillis, limits.maxPendingLogons(),
                threshold(limits.loadThresholds() == null ? null : limits.loadThresholds().cpuPct()),
                threshold(limits.loadThresholds() == null ? null : limits.loadThresholds().memoryPct()));
    }

    /** A reservation with the session limit only. */
    public ReserveSlot(String sessionId, String userId, int limit, boolean personal, long nowMillis) {
        this(sessionId, userId, SlotLimits.sessionsOnly(limit), personal, nowMillis);
    }

    private static int threshold(Integer pct) {
        return pct == null ? 0 : pct;
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        return current == null ? null : current.reserve(sessionId, userId, limits, personal, nowMillis);
    }
}
