package io.berth.broker.cache;

import io.berth.broker.domain.HostEntry;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Several {@link SlotChange}s of one host applied in order as one atomic change: the feed sends one per host
 * and batch instead of one compute per session record.
 */
public final class SlotChanges implements BiFunction<String, HostEntry, HostEntry> {

    @ProtoField(number = 1, collectionImplementation = ArrayList.class)
    final List<SlotChange> changes;

    @ProtoFactory
    SlotChanges(List<SlotChange> changes) {
        this.changes = changes == null ? List.of() : changes;
    }

    /** The changes as one function; a single change is returned as it is. */
    public static BiFunction<String, HostEntry, HostEntry> of(List<SlotChange> changes) {
        return changes.size() == 1 ? changes.get(0) : new SlotChanges(List.copyOf(changes));
    }

    @Override
    public HostEntry apply(String hostId, HostEntry current) {
        HostEntry host = current;
        for (SlotChange change : changes) {
            host = change.apply(hostId, host);
        }
        return host;
    }
}
