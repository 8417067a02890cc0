package io.berth.broker.cache;

import io.berth.broker.domain.ConnectOutcome;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/**
 * What an {@code Idempotency-Key} stands for during ten minutes: the request it came with and, once answered,
 * the 200 answer (the ticket is re-signed from {@code issuedAtSeconds}, or a later step of it once half its
 * lifetime is gone: {@code TicketSigner.reissueTime}). {@code sessionId == null} while the first request is
 * still being answered. Small by construction: ids are at most 256 characters and the cache key is a hash.
 */
public final class StoredAnswer {

    @ProtoField(1)
    final String userId;
    @ProtoField(2)
    final String appGroupId;
    @ProtoField(3)
    final String sessionId;
    @ProtoField(4)
    final String hostId;
    @ProtoField(5)
    final String poolId;
    @ProtoField(number = 6, defaultValue = "false")
    final boolean reconnect;
    @ProtoField(number = 7, defaultValue = "0")
    final long issuedAtSeconds;

    @ProtoFactory
    public StoredAnswer(String userId, String appGroupId, String sessionId, String hostId, String poolId,
                        boolean reconnect, long issuedAtSeconds) {
        this.userId = userId;
        this.appGroupId = appGroupId;
        this.sessionId = sessionId;
        this.hostId = hostId;
        this.poolId = poolId;
        this.reconnect = reconnect;
        this.issuedAtSeconds = issuedAtSeconds;
    }

    public static StoredAnswer inProgress(String userId, String appGroupId) {
        return new StoredAnswer(userId, appGroupId, null, null, null, false, 0);
    }

    /**
     * The answer to keep for a placed or reconnected session, or null for any other outcome (it allocated
     * nothing, so a retry is decided again).
     */
    public static StoredAnswer of(String userId, String appGroupId, ConnectOutcome outcome, long issuedAtSeconds) {
        if (outcome instanceof ConnectOutcome.Placed placed) {
            return new StoredAnswer(userId, appGroupId, placed.sessionId(), placed.hostId(), placed.poolId(), false,
                    issuedAtSeconds);
        }
        if (outcome instanceof ConnectOutcome.Reconnected reconnected) {
            return new StoredAnswer(userId, appGroupId, reconnected.sessionId(), reconnected.hostId(),
                    reconnected.poolId(), true, issuedAtSeconds);
        }
        return null;
    }

    /** The outcome an answered key stands for. */
    public ConnectOutcome outcome() {
        return reconnect
                ? new ConnectOutcome.Reconnected(sessionId, hostId, poolId)
                : new ConnectOutcome.Placed(sessionId, hostId, poolId);
    }

    public boolean isAnswered() {
        return sessionId != null;
    }

    public boolean matches(String userId, String appGroupId) {
        return this.userId.equals(userId) && this.appGroupId.equals(appGroupId);
    }

    public String userId() {
        return userId;
    }

    public String appGroupId() {
        return appGroupId;
    }

    public String sessionId() {
        return sessionId;
    }

    public String hostId() {
        return hostId;
    }

    public String poolId() {
        return poolId;
    }

    public boolean reconnect() {
        return reconnect;
    }

    public long issuedAtSeconds() {
        return issuedAtSeconds;
    }
}
