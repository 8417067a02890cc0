package io.berth.broker.domain;

import java.util.Optional;

/** The local, replicated state a placement decision reads. Reads only; never blocks on the cluster. */
public interface PlacementView {

    Optional<AppGroupAccess> appGroup(String appGroupId);

    /** The pool's index (with its policy once its config is known). */
    Optional<PoolIndex> pool(String poolId);

    /** The user's live sessions and connect claim in the pool. */
    Optional<UserSeat> seat(String poolId, String userId);
}
