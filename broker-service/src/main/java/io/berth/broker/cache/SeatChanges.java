package io.berth.broker.cache;

import io.berth.broker.domain.UserSeat;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Several {@link SeatChange}s of one seat applied in order as one atomic change: the feed sends one per seat
 * and batch instead of one compute per session record.
 */
public final class SeatChanges implements BiFunction<String, UserSeat, UserSeat> {

    @ProtoField(number = 1, collectionImplementation = ArrayList.class)
    final List<SeatChange> changes;

    @ProtoFactory
    SeatChanges(List<SeatChange> changes) {
        this.changes = changes == null ? List.of() : changes;
    }

    /** The changes as one function; a single change is returned as it is. */
    public static BiFunction<String, UserSeat, UserSeat> of(List<SeatChange> changes) {
        return changes.size() == 1 ? changes.get(0) : new SeatChanges(List.copyOf(changes));
    }

    @Override
    public UserSeat apply(String key, UserSeat current) {
        UserSeat seat = current;
        for (SeatChange change : changes) {
            seat = change.apply(key, seat);
        }
        return seat;
    }
}
