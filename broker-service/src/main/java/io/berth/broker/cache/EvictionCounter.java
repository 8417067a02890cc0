package io.berth.broker.cache;

import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntriesEvicted;
import org.infinispan.notifications.cachelistener.event.CacheEntriesEvictedEvent;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the entries a bounded cache evicted on this node (each node evicts from its own copy), for the
 * {@code berth_idempotency_evictions_total} metric: evictions mean keys are forgotten before their ten minutes.
 */
@Listener(observation = Listener.Observation.POST)
public final class EvictionCounter {

    private final LongAdder evicted = new LongAdder();

    @CacheEntriesEvicted
    public void evicted(CacheEntriesEvictedEvent<?, ?> event) {
        evicted.add(event.getEntries().size());
    }

    public long count() {
        return evicted.sum();
    }
}
