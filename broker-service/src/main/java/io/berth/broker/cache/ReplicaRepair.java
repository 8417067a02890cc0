package io.berth.broker.cache;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.conflict.ConflictManager;
import org.infinispan.conflict.ConflictManagerFactory;
import org.infinispan.container.entries.CacheEntry;
import org.infinispan.context.Flag;
import org.infinispan.remoting.transport.Address;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Brings every copy of a replicated cache back to its primary owner's copy after the membership changed.
 *
 * <p>Why it is needed: Infinispan replicates a {@code compute} by running the function again on each backup's
 * own copy. Once two copies differ, every later compute keeps them different (the same heartbeat gives two
 * revisions). Copies come to differ in two ways: a write applied by some owners when a member vanished in the
 * middle of it, and a merge after a partition — with {@code ALLOW_READS} Infinispan keeps the majority's
 * topology and runs no conflict resolution, so the former minority keeps keys the majority removed meanwhile.
 * Infinispan's own {@code resolveConflicts} would write the merged value over whatever the primary holds by
 * then, which could undo a reservation made in between; this repair never overwrites a newer value.
 *
 * <p>The primary's copy is the truth: every atomic reservation was decided on it. A key whose copies differ
 * is repaired by a conditional replace of the primary's value with itself (it runs on the primary, is a no-op
 * when the primary changed meanwhile, and replicates as a value, so every copy becomes equal), or, when the
 * primary holds no entry, by removing this node's own stale entry locally (each node removes its own).
 */
final class ReplicaRepair {

    private ReplicaRepair() {
    }

    /** Repairs the keys whose copies differ; answers how many were repaired. Blocking: call from a worker. */
    static <K, V> int repair(Cache<K, V> cache) {
        AdvancedCache<K, V> advanced = cache.getAdvancedCache();
        Address self = advanced.getCacheManager().getAddress();
        ConflictManager<K, V> conflictManager = ConflictManagerFactory.get(advanced);
        List<Map<Address, CacheEntry<K, V>>> conflicts;
        try (Stream<Map<Address, CacheEntry<K, V>>> found = conflictManager.getConflicts()) {
            conflicts = found.toList();
        }
        int repaired = 0;
        for (Map<Address, CacheEntry<K, V>> copies : conflicts) {
            K key = copies.values().stream().map(CacheEntry::getKey).filter(Objects::nonNull).findFirst().orElse(null);
            if (key == null) {
                continue;
            }
            Address primary = advanced.getDistributionManager().getCacheTopology().getDistribution(key).primary();
            V truth = valueOf(copies.get(primary));
            if (truth != null) {
                if (advanced.replace(key, truth, truth)) {
                    repaired++;
                }
                continue;
            }
            V mine = valueOf(copies.get(self));
            if (mine != null && advanced.withFlags(Flag.CACHE_MODE_LOCAL).remove(key, mine)) {
                repaired++;
            }
        }
        return repaired;
    }

    private static <K, V> V valueOf(CacheEntry<K, V> entry) {
        return entry == null ? null : entry.getValue();
    }
}
