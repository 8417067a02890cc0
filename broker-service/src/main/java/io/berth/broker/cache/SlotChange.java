package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.function.BiFunction;

/**
 * A change to one session's slot on a host: confirmed by {@code berth.sessions}, ended, an abandoned
 * reservation released, its allocation seen on {@code berth.allocations}, or its allocation's send failed
 * without Kafka's answer (in doubt).
 */
public final class SlotChange implements BiFunction<String, HostEntry, HostEntry> {

    /** What happens to the slot. */
    public enum Kind { CONFIRM, END, ABANDON, ALLOCATED, IN_DOUBT }

    @ProtoField(1)
    final String kind;
    @ProtoField(2)
    final String sessionId;
    @ProtoField(3)
    final String userId;
    @ProtoField(4)
    final String poolId;
    /** CONFIRM: the session is ACTIVE or DISCONNECTED, its logon is over (no longer under the logon cap). */
    @ProtoField(number = 5, defaultValue = "false")
    final boolean loggedOn;
    /** IN_DOUBT: when the send failed. */
    @ProtoField(number = 6, defaultValue = "0")
    final long atMillis;
    /** {@link #kind} parsed once: the feed applies a change locally before sending it. */
    private final Kind parsedKind;

    @ProtoFactory
    SlotChange(String kind, String sessionId, String userId, String poolId, boolean loggedOn, long atMillis) {
        this.kind = kind;
        this.parsedKind = Kind.valueOf(kind);
        this.sessionId = sessionId;
        this.userId = userId;
        this.poolId = poolId;
        this.loggedOn = loggedOn;
        this.atMillis = atMillis;
    }

    SlotChange(String kind, String sessionId, String userId, String poolId) {
        this(kind, sessionId, userId, poolId, false, 0L);
    }

    /** A live session that logged on (ACTIVE or DISCONNECTED on {@code berth.sessions}). */
    public static SlotChange confirm(String sessionId, String userId, String poolId) {
        return confirm(sessionId, userId, poolId, true);
    }

    /** A live session on {@code berth.sessions}; {@code loggedOn} when it is ACTIVE or DISCONNECTED. */
    public static SlotChange confirm(String sessionId, String userId, String poolId, boolean loggedOn) {
        return new SlotChange(Kind.CONFIRM.name(), sessionId, userId, poolId, loggedOn, 0L);
    }

    public static SlotChange end(String sessionId) {
        return new SlotChange(Kind.END.name(), sessionId, null, null);
    }

    /** The reservation's allocation is on {@code berth.allocations}: a durable pending session. */
    public static SlotChange allocated(String sessionId) {
        return new SlotChange(Kind.ALLOCATED.name(), sessionId, null, null);
    }

    /** The allocation's send failed without Kafka's answer at {@code atMillis}: see {@link HostEntry#markInDoubt}. */
    public static SlotChange inDoubt(String sessionId, long atMillis) {
        return new SlotChange(Kind.IN_DOUBT.name(), sessionId, null, null, false, atMillis);
    }

    public static SlotChange abandon(String sessionId) {
        return new SlotChange(Kind.ABANDON.name(), sessionId, null, null);
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        return switch (parsedKind) {
            // A session may be seen before its host's health (replay order across topics): keep its slot anyway.
            case CONFIRM -> (current != null ? current : HostEntry.placeholder(hostId, poolId))
                    .confirm(sessionId, userId, loggedOn);
            case END -> current == null ? null : current.endSession(sessionId);
            case ABANDON -> current == null ? null : current.abandonReservation(sessionId);
            case ALLOCATED -> current == null ? null : current.markAllocated(sessionId);
            case IN_DOUBT -> current == null ? null : current.markInDoubt(sessionId, atMillis);
        };
    }
}
