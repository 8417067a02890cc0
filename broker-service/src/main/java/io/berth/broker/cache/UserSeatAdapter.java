package io.berth.broker.cache;

import io.berth.broker.domain.SeatSession;
import io.berth.broker.domain.UserSeat;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.List;

/** ProtoStream schema of {@link UserSeat}. */
@ProtoAdapter(UserSeat.class)
public final class UserSeatAdapter {

    @ProtoFactory
    UserSeat create(String poolId, String userId, List<SeatSession> sessions, String claimSessionId,
                    long claimedAtMillis, long revision) {
        return new UserSeat(poolId, userId, sessions, claimSessionId, claimedAtMillis, revision);
    }

    @ProtoField(1)
    String getPoolId(UserSeat seat) {
        return seat.poolId();
    }

    @ProtoField(2)
    String getUserId(UserSeat seat) {
        return seat.userId();
    }

    @ProtoField(number = 3, collectionImplementation = ArrayList.class)
    List<SeatSession> getSessions(UserSeat seat) {
        return seat.sessions();
    }

    @ProtoField(4)
    String getClaimSessionId(UserSeat seat) {
        return seat.claimSessionId();
    }

    @ProtoField(number = 5, defaultValue = "0")
    long getClaimedAtMillis(UserSeat seat) {
        return seat.claimedAtMillis();
    }

    @ProtoField(number = 6, defaultValue = "0")
    long getRevision(UserSeat seat) {
        return seat.revision();
    }
}
