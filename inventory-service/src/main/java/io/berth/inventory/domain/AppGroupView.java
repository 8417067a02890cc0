package io.berth.inventory.domain;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;

import java.util.List;

/** An application group as the admin API answers it. */
public record AppGroupView(String appGroupId, String poolId, AppGroupType type, List<String> users,
                           List<String> groups) {

    public static AppGroupView of(AppGroupConfig group) {
        return new AppGroupView(group.appGroupId(), group.poolId(), group.type(), group.users(), group.groups());
    }
}
