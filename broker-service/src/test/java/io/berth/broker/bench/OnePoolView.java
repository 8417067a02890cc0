package io.berth.broker.bench;

import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.PlacementView;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.AppGroupType;

import java.util.Optional;
import java.util.Set;

/**
 * The placement benchmarks' view: one desktop application group {@code desk} open to group {@code staff}, on
 * one indexed pool, and no user holding a seat yet (every connect is a newcomer's).
 */
final class OnePoolView implements PlacementView {

    private final AppGroupAccess appGroup;
    private final PoolIndex index;

    OnePoolView(PoolIndex index) {
        this.index = index;
        this.appGroup = new AppGroupAccess("desk", index.poolId(), AppGroupType.DESKTOP, Set.of(), Set.of("staff"));
    }

    @Override
    public Optional<AppGroupAccess> appGroup(String appGroupId) {
        return Optional.of(appGroup);
    }

    @Override
    public Optional<PoolIndex> pool(String poolId) {
        return Optional.of(index);
    }

    @Override
    public Optional<UserSeat> seat(String poolId, String userId) {
        return Optional.empty();
    }
}
