package io.berth.broker.cache;

import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.annotations.ProtoSchema;

/**
 * The generated ProtoStream schema and marshallers of everything the broker's replicated caches hold or send
 * between nodes: cached values and the functions applied atomically on an entry's owner.
 */
@ProtoSchema(
        includeClasses = {
                HostEntryAdapter.class, SlotHolderAdapter.class, UserSeatAdapter.class, SeatSessionAdapter.class,
                PoolPolicyAdapter.class, AppGroupAccessAdapter.class, StoredAnswer.class, HostLoadAdapter.class,
                PhaseBalancerAdapter.class,
                ApplyHealth.class, ReserveSlot.class, SlotChange.class, SeatChange.class, SlotChanges.class,
                SeatChanges.class},
        schemaFileName = "berth-broker.proto",
        schemaFilePath = "proto/",
        schemaPackageName = "berth.broker")
public interface CacheSchema extends GeneratedSchema {
}
