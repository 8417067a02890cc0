package io.berth.common.events;

import java.util.List;

/** An application group as published on {@code berth.config} under key {@code appgroup/{appGroupId}}. */
public record AppGroupConfig(int v, String appGroupId, String poolId, AppGroupType type, List<String> users,
                             List<String> groups) implements Event {

    public AppGroupConfig {
        v = v == 0 ? CURRENT_VERSION : v;
        users = users == null ? List.of() : List.copyOf(users);
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
