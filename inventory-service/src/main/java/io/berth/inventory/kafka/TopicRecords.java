package io.berth.inventory.kafka;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.domain.AcknowledgedCommands;
import io.berth.inventory.domain.Change;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.RegistrationTokenRecord;
import io.berth.inventory.domain.ScalingPlans;
import io.berth.inventory.domain.scaling.ScalerMemory;

import java.io.IOException;
import java.util.Optional;

/**
 * Turns records read back from {@code berth.config} and {@code berth.host-health} into the {@link Change}s
 * that produced them, so the state is rebuilt by the same {@link Inventory#apply} as the live path.
 */
public final class TopicRecords {

    private TopicRecords() {
    }

    /** A {@code berth.config} record; empty for a key this service does not own or know. */
    public static Optional<Change> fromConfig(String key, byte[] value) throws MalformedEventException {
        if (key != null && key.startsWith(RegistrationTokenRecord.KEY_PREFIX)) {
            String hash = key.substring(RegistrationTokenRecord.KEY_PREFIX.length());
            if (value == null) {
                return Optional.of(new Change.TokenRemoved(hash));
            }
            RegistrationTokenRecord token = decodeToken(value);
            requireSameId(key, hash, token.tokenHash());
            return Optional.of(new Change.TokenSaved(token));
        }
        if (key != null && key.startsWith(ScalingPlans.MEMORY_KEY_PREFIX)) {
            String poolId = key.substring(ScalingPlans.MEMORY_KEY_PREFIX.length());
            return Optional.of(value == null ? new Change.ScalerMemoryChanged(poolId, null)
                    : new Change.ScalerMemoryChanged(poolId, decode(value, ScalerMemory.class)));
        }
        if (key != null && key.startsWith(AcknowledgedCommands.KEY_PREFIX)) {
            String hostId = key.substring(AcknowledgedCommands.KEY_PREFIX.length());
            if (value == null) {
                return Optional.of(new Change.CommandAcksRemoved(hostId));
            }
            AcknowledgedCommands acks = decode(value, AcknowledgedCommands.class);
            requireSameId(key, hostId, acks.hostId());
            return Optional.of(new Change.CommandsAcknowledged(acks));
        }
        Optional<ConfigKey> parsed = ConfigKey.parse(key);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        String id = parsed.get().id();
        return Optional.ofNullable(switch (parsed.get().kind()) {
            case POOL -> {
                if (value == null) {
                    yield new Change.PoolRemoved(id);
                }
                HostPoolConfig pool = EventCodec.decode(value, HostPoolConfig.class);
                requireSameId(key, id, pool.poolId());
                yield new Change.PoolSaved(pool);
            }
            case APP_GROUP -> {
                if (value == null) {
                    yield new Change.AppGroupRemoved(id);
                }
                AppGroupConfig group = EventCodec.decode(value, AppGroupConfig.class);
                requireSameId(key, id, group.appGroupId());
                yield new Change.AppGroupSaved(group);
            }
            case HOST -> {
                if (value == null) {
                    yield new Change.HostUnregistered(id);
                }
                HostRegistration registration = EventCodec.decode(value, HostRegistration.class);
                requireSameId(key, id, registration.hostId());
                yield new Change.HostRegistered(registration);
            }
            case SCALING_PLAN -> {
                if (value == null) {
                    yield new Change.ScalingPlanChanged(id, null);
                }
                ScalingPlanConfig plan = EventCodec.decode(value, ScalingPlanConfig.class);
                requireSameId(key, id, plan.planId());
                yield new Change.ScalingPlanChanged(id, plan);
            }
            case SCALING -> {
                if (value == null) {
                    yield new Change.PoolScalingChanged(id, null);
                }
                PoolScaling scaling = EventCodec.decode(value, PoolScaling.class);
                requireSameId(key, id, scaling.poolId());
                yield new Change.PoolScalingChanged(id, scaling);
            }
        });
    }

    /** A {@code berth.host-health} record, keyed by host id. */
    public static Change fromHostHealth(String key, byte[] value) throws MalformedEventException {
        if (value == null) {
            return new Change.HealthRemoved(key);
        }
        HostHealthEvent snapshot = EventCodec.decode(value, HostHealthEvent.class);
        requireSameId(key, key, snapshot.hostId());
        if (snapshot.poolId() == null || snapshot.health() == null) {
            throw new MalformedEventException("host-health record " + key + " lacks poolId or health");
        }
        return new Change.HealthSaved(snapshot);
    }

    /** The JSON of a registration token record, written with the events' codec settings. */
    public static byte[] encodeToken(RegistrationTokenRecord token) {
        return encodeInternal(token);
    }

    /** The JSON of an inventory-internal record ({@code regtoken/}, {@code hostcommands/}), as the events'. */
    public static byte[] encodeInternal(Record record) {
        try {
            return EventCodec.mapper().writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("an inventory record always serialises", e);
        }
    }

    private static <T> T decode(byte[] value, Class<T> type) throws MalformedEventException {
        try {
            T decoded = EventCodec.mapper().readValue(value, type);
            if (decoded == null) {
                throw new MalformedEventException("an empty " + type.getSimpleName() + " record");
            }
            return decoded;
        } catch (IOException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + " record: " + e.getMessage(), e);
        }
    }

    private static RegistrationTokenRecord decodeToken(byte[] value) throws MalformedEventException {
        try {
            RegistrationTokenRecord token = EventCodec.mapper().readValue(value, RegistrationTokenRecord.class);
            if (token == null || token.poolId() == null || token.tokenHash() == null || token.expiresAt() == null) {
                throw new MalformedEventException("registration token record lacks poolId, tokenHash or expiresAt");
            }
            return token;
        } catch (IOException e) {
            throw new MalformedEventException("not a valid registration token record: " + e.getMessage(), e);
        }
    }

    private static void requireSameId(String key, String keyId, String valueId) throws MalformedEventException {
        if (!keyId.equals(valueId)) {
            throw new MalformedEventException("record " + key + " holds the id '" + valueId + "'");
        }
    }
}
