package io.berth.inventory.domain;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.inventory.domain.scaling.ScalerMemory;

import java.time.Instant;

/**
 * One change to the inventory's state. The {@link Inventory} decides changes without applying them; the
 * service publishes the {@link Published} ones and applies them only once Kafka has acknowledged them. On
 * start the same changes are rebuilt from the topics and applied, so the live path and the replay share
 * one code path.
 */
public sealed interface Change {

    /** The topic a published change lives on. */
    enum Stream { CONFIG, HOST_HEALTH, HOST_COMMANDS }

    /** A change that is one record on a topic: {@link #value()} is {@code null} for a tombstone. */
    sealed interface Published extends Change {
        Stream stream();

        String key();

        Object value();
    }

    record PoolSaved(HostPoolConfig pool) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.pool(pool.poolId()).asString();
        }

        public Object value() {
            return pool;
        }
    }

    record PoolRemoved(String poolId) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.pool(poolId).asString();
        }

        public Object value() {
            return null;
        }
    }

    record AppGroupSaved(AppGroupConfig appGroup) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.appGroup(appGroup.appGroupId()).asString();
        }

        public Object value() {
            return appGroup;
        }
    }

    record AppGroupRemoved(String appGroupId) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.appGroup(appGroupId).asString();
        }

        public Object value() {
            return null;
        }
    }

    record HostRegistered(HostRegistration registration) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.host(registration.hostId()).asString();
        }

        public Object value() {
            return registration;
        }
    }

    record HostUnregistered(String hostId) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.host(hostId).asString();
        }

        public Object value() {
            return null;
        }
    }

    record TokenSaved(RegistrationTokenRecord token) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return token.key();
        }

        public Object value() {
            return token;
        }
    }

    record TokenRemoved(String tokenHash) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return RegistrationTokenRecord.KEY_PREFIX + tokenHash;
        }

        public Object value() {
            return null;
        }
    }

    record HealthSaved(HostHealthEvent snapshot) implements Published {
        public Stream stream() {
            return Stream.HOST_HEALTH;
        }

        public String key() {
            return snapshot.hostId();
        }

        public Object value() {
            return snapshot;
        }
    }

    record HealthRemoved(String hostId) implements Published {
        public Stream stream() {
            return Stream.HOST_HEALTH;
        }

        public String key() {
            return hostId;
        }

        public Object value() {
            return null;
        }
    }

    record CommandsAcknowledged(AcknowledgedCommands acks) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return acks.key();
        }

        public Object value() {
            return acks;
        }
    }

    record CommandAcksRemoved(String hostId) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return AcknowledgedCommands.KEY_PREFIX + hostId;
        }

        public Object value() {
            return null;
        }
    }

    /** A scaling plan put, or deleted when {@code plan} is null (its tombstone). */
    record ScalingPlanChanged(String planId, ScalingPlanConfig plan) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.scalingPlan(planId).asString();
        }

        public Object value() {
            return plan;
        }
    }

    /**
     * A pool's phase and load balancer as its scaler published them ({@code scaling/{poolId}}); null when the pool
     * left its plan, so that the broker goes back to the pool's own load balancer.
     */
    record PoolScalingChanged(String poolId, PoolScaling scaling) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ConfigKey.scaling(poolId).asString();
        }

        public Object value() {
            return scaling;
        }
    }

    /**
     * What a pool's scaler did before ({@code scalermemory/{poolId}}, inventory-internal), so that a writer that
     * takes over knows which drains were the scaler's and its recent actions; null when the pool left its plan.
     */
    record ScalerMemoryChanged(String poolId, ScalerMemory memory) implements Published {
        public Stream stream() {
            return Stream.CONFIG;
        }

        public String key() {
            return ScalingPlans.MEMORY_KEY_PREFIX + poolId;
        }

        public Object value() {
            return memory;
        }
    }

    /** A command for a host on {@code berth.host-commands} (the scaler's); it changes no inventory state. */
    record HostCommandSent(HostCommandEvent command) implements Published {
        public Stream stream() {
            return Stream.HOST_COMMANDS;
        }

        public String key() {
            return command.hostId();
        }

        public Object value() {
            return command;
        }
    }

    /**
     * A heartbeat was accepted. Not published when nothing in the snapshot changed (throttling); it only
     * moves the host's last contact, which the staleness timer reads.
     */
    record HeartbeatReceived(String hostId, Instant at) implements Change {
    }
}
