package io.berth.common.events;

import java.util.Optional;

/**
 * A key on {@code berth.config}: {@code pool/{id}}, {@code appgroup/{id}}, {@code host/{id}},
 * {@code scalingplan/{id}} or {@code scaling/{poolId}}. The prefix
 * says which record type the value holds.
 */
public record ConfigKey(Kind kind, String id) {

    /** The kinds of object on {@code berth.config} and the record type each value decodes to. */
    public enum Kind {
        POOL("pool/", HostPoolConfig.class),
        APP_GROUP("appgroup/", AppGroupConfig.class),
        HOST("host/", HostRegistration.class),
        SCALING_PLAN("scalingplan/", ScalingPlanConfig.class),
        SCALING("scaling/", PoolScaling.class);

        private final String prefix;
        private final Class<? extends Event> valueType;

        Kind(String prefix, Class<? extends Event> valueType) {
            this.prefix = prefix;
            this.valueType = valueType;
        }

        public String prefix() {
            return prefix;
        }

        public Class<? extends Event> valueType() {
            return valueType;
        }
    }

    public static ConfigKey pool(String poolId) {
        return new ConfigKey(Kind.POOL, poolId);
    }

    public static ConfigKey appGroup(String appGroupId) {
        return new ConfigKey(Kind.APP_GROUP, appGroupId);
    }

    public static ConfigKey host(String hostId) {
        return new ConfigKey(Kind.HOST, hostId);
    }

    public static ConfigKey scalingPlan(String planId) {
        return new ConfigKey(Kind.SCALING_PLAN, planId);
    }

    public static ConfigKey scaling(String poolId) {
        return new ConfigKey(Kind.SCALING, poolId);
    }

    /** Parses a record key; empty for a key of no known kind (a newer writer's, to be ignored). */
    public static Optional<ConfigKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (key.startsWith(kind.prefix) && key.length() > kind.prefix.length()) {
                return Optional.of(new ConfigKey(kind, key.substring(kind.prefix.length())));
            }
        }
        return Optional.empty();
    }

    /** The key as written on the topic. */
    public String asString() {
        return kind.prefix + id;
    }

    @Override
    public String toString() {
        return asString();
    }
}
