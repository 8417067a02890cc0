package io.berth.broker.domain;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;

import java.util.Collection;
import java.util.Set;

/** Who may open an application group: users listed by id, or members of a listed group. */
public record AppGroupAccess(String appGroupId, String poolId, AppGroupType type, Set<String> users,
                             Set<String> groups) {

    public AppGroupAccess {
        users = users == null ? Set.of() : Set.copyOf(users);
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public static AppGroupAccess of(AppGroupConfig config) {
        return new AppGroupAccess(config.appGroupId(), config.poolId(), config.type(), Set.copyOf(config.users()),
                Set.copyOf(config.groups()));
    }

    /**
     * Whether the user is entitled: listed by id, or a member (as the gateway reports the user's groups) of
     * one of the listed groups.
     */
    public boolean admits(String userId, Collection<String> userGroups) {
        if (users.contains(userId)) {
            return true;
        }
        if (userGroups != null && !groups.isEmpty()) {
            for (String group : userGroups) {
                if (groups.contains(group)) {
                    return true;
                }
            }
        }
        return false;
    }
}
