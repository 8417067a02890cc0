package io.berth.broker.feed;

import io.berth.broker.cache.ApplyHealth;
import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.PhaseBalancer;
import io.berth.broker.domain.PoolPolicy;
import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.PoolScaling;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.infinispan.Cache;
import org.infinispan.container.entries.InternalCacheEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.BiFunction;

/**
 * Applies records of {@code berth.config}, {@code berth.host-health}, {@code berth.sessions} and
 * {@code berth.allocations} (which marks a reservation durable, see {@code ReleaseRule}) to the replicated caches. Every change is idempotent (a record applied twice after a rebalance changes nothing
 * more), and within a batch only the last record of each key is applied, as compaction would keep it.
 * A batch's session records become one compute per host and one per seat ({@link SessionChanges}).
 * Blocking: it waits until the batch is replicated; runs on the feed's own thread.
 *
 * <p>A change that would leave its entry as it is is not sent at all (e.g. ACTIVE confirming a slot that
 * PENDING already confirmed, or PENDING adding to a seat the connect already added the session to): a compute
 * costs the entry's lock, a replication to every node and the index listeners even when it writes back the
 * same value. (In a pool with a logon cap, ACTIVE after PENDING is a change: it ends the logon, freeing its
 * place under the cap, see {@link SessionChanges#add(SessionEvent, boolean)}.)
 * Why skipping is safe although connects on other nodes write the same entries:
 * <ul>
 *   <li>The change is tried on this node's copy of the entry (every node holds every entry of a
 *   {@code REPL_SYNC} cache). A write completes only once every node has applied it, so that copy holds every
 *   write that came before this record: the feed's earlier batches (it waits for each) and the connect that led
 *   to it (its reservation and seat claim completed before the allocation was sent to Kafka).</li>
 *   <li>The writes it may miss are still in flight, so unordered with this change: the entry's owner could as
 *   well have applied the change first, where it would have changed nothing. Skipping gives that order, one
 *   the cluster could always produce. And the connect path's writes never undo what made a change a no-op: a
 *   reservation or an abandoned one leaves a confirmed slot alone, a seat claim, completion or abandonment
 *   keeps the seat's sessions ({@code FeedApplierTest}).</li>
 *   <li>The change functions are pure: trying one on the local copy has no effect of its own.</li>
 * </ul>
 */
public final class FeedApplier {

    private static final Logger LOG = LoggerFactory.getLogger(FeedApplier.class);

    private final BrokerCaches caches;
    private final Counter malformed;
    private final Counter computed;
    private final Counter unchanged;

    /**
     * @param computed  host and seat changes sent to the caches
     * @param unchanged host and seat changes not sent because they would have changed nothing
     */
    public FeedApplier(BrokerCaches caches, Counter malformed, Counter computed, Counter unchanged) {
        this.caches = caches;
        this.malformed = malformed;
        this.computed = computed;
        this.unchanged = unchanged;
    }

    public void apply(List<ConsumerRecord<String, byte[]>> records) {
        apply(records, () -> true);
    }

    /**
     * @param keepWaiting whether to go on waiting for the batch's writes: false once this node is in a minority
     *                    partition, where a write can wait for its remote timeout and more. The batch then fails
     *                    at once (it is applied again later, idempotently), so that the feed can leave the
     *                    consumer group instead of holding its partitions while the majority waits for them.
     */
    public void apply(List<ConsumerRecord<String, byte[]>> records, BooleanSupplier keepWaiting) {
        Map<String, ConsumerRecord<String, byte[]>> configs = lastPerKey();
        Map<String, ConsumerRecord<String, byte[]>> healths = lastPerKey();
        Map<String, ConsumerRecord<String, byte[]>> sessions = lastPerKey();
        Map<String, ConsumerRecord<String, byte[]>> allocations = lastPerKey();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                malformed.increment();
                continue;
            }
            switch (record.topic()) {
                case Topics.CONFIG -> configs.put(record.key(), record);
                case Topics.HOST_HEALTH -> healths.put(record.key(), record);
                case Topics.SESSIONS -> sessions.put(record.key(), record);
                case Topics.ALLOCATIONS -> allocations.put(record.key(), record);
                default -> LOG.debug("Ignoring a record of {}", record.topic());
            }
        }
        List<CompletableFuture<?>> writes = new ArrayList<>(configs.size() + healths.size() + sessions.size() * 2);
        eachWellFormed(configs.values(), record -> applyConfig(record, writes));
        eachWellFormed(healths.values(), record -> applyHealth(record, writes));
        SessionChanges changes = new SessionChanges();
        eachWellFormed(allocations.values(), record -> addAllocation(record, changes));
        eachWellFormed(sessions.values(), record -> addSession(record, changes));
        changes.forEachHost((hostId, change) -> computeIfChanging(caches.hosts(), hostId, change, writes));
        changes.forEachSeat((key, change) -> computeIfChanging(caches.seats(), key, change, writes));
        awaitAll(writes, keepWaiting, "a batch");
    }

    /**
     * Waits for the writes (at most two minutes), in short steps, giving up as soon as {@code keepWaiting} turns
     * false. Throws when they failed, timed out or were given up.
     */
    static void awaitAll(List<CompletableFuture<?>> writes, BooleanSupplier keepWaiting, String what) {
        CompletableFuture<Void> all = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try {
            while (true) {
                try {
                    all.get(250, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException stillRunning) {
                    if (!keepWaiting.getAsBoolean()) {
                        throw new IllegalStateException("gave up waiting for " + what + ": this node may not write now");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the caches did not take " + what + " within 2 minutes");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the caches did not take " + what, e.getCause());
        }
    }

    /** Keys in the order of their last record: putting a key again moves it to the end. */
    private static Map<String, ConsumerRecord<String, byte[]>> lastPerKey() {
        return new LinkedHashMap<>(16, 0.75f, true);
    }

    /** What is done with one record; a malformed one is skipped and counted, and the batch goes on. */
    @FunctionalInterface
    private interface RecordStep {
        void accept(ConsumerRecord<String, byte[]> record) throws MalformedEventException;
    }

    private void eachWellFormed(Collection<ConsumerRecord<String, byte[]>> records, RecordStep step) {
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                step.accept(record);
            } catch (MalformedEventException e) {
                malformed.increment();
                LOG.warn("Skipping a malformed record {}/{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
    }

    /** Whether {@code change} leaves {@code current} as it is (value equality; null is an absent entry). */
    static <V> boolean changesNothing(String key, V current, BiFunction<String, V, V> change) {
        return Objects.equals(change.apply(key, current), current);
    }

    /**
     * Sends {@code change} to the entry's owner unless it changes nothing (see the class comment). The entry is
     * read from this node's data container: a map lookup, where {@code get} costs about a third of a compute
     * (its invocation chain). An entry this node does not hold is always sent, so a node that does not own it
     * yet (while joining) skips nothing.
     */
    private <V> void computeIfChanging(Cache<String, V> cache, String key, BiFunction<String, V, V> change,
                                       List<CompletableFuture<?>> writes) {
        InternalCacheEntry<String, V> local = cache.getAdvancedCache().getDataContainer().peek(key);
        if (local != null && changesNothing(key, local.getValue(), change)) {
            unchanged.increment();
            return;
        }
        computed.increment();
        writes.add(cache.computeAsync(key, change));
    }

    private void applyConfig(ConsumerRecord<String, byte[]> record, List<CompletableFuture<?>> writes)
            throws MalformedEventException {
        Optional<ConfigKey> parsed = ConfigKey.parse(record.key());
        if (parsed.isEmpty()) {
            return;
        }
        ConfigKey key = parsed.get();
        byte[] value = record.value();
        switch (key.kind()) {
            case POOL -> writes.add(value == null
                    ? caches.pools().removeAsync(key.id())
                    : caches.pools().putAsync(key.id(), PoolPolicy.of(EventCodec.decode(value, HostPoolConfig.class))));
            case APP_GROUP -> writes.add(value == null
                    ? caches.appGroups().removeAsync(key.id())
                    : caches.appGroups().putAsync(key.id(),
                    AppGroupAccess.of(EventCodec.decode(value, AppGroupConfig.class))));
            case SCALING -> writes.add(value == null
                    ? caches.scaling().removeAsync(key.id())
                    : caches.scaling().putAsync(key.id(),
                    PhaseBalancer.of(EventCodec.decode(value, PoolScaling.class))));
            case HOST -> {
                // A registration carries nothing placement needs; its tombstone means the host was deleted.
                if (value == null) {
                    writes.add(caches.hosts().removeAsync(key.id()));
                }
            }
        }
    }

    private void applyHealth(ConsumerRecord<String, byte[]> record, List<CompletableFuture<?>> writes)
            throws MalformedEventException {
        if (record.value() == null) {
            writes.add(caches.hosts().removeAsync(record.key()));
            return;
        }
        HostHealthEvent health = EventCodec.decode(record.value(), HostHealthEvent.class);
        if (health.hostId() == null || health.health() == null) {
            throw new MalformedEventException("a host-health record without hostId or health");
        }
        long lastHeartbeat = health.lastHeartbeat() == null ? 0L : health.lastHeartbeat().toEpochMilli();
        computeIfChanging(caches.hosts(), health.hostId(), new ApplyHealth(health.poolId(), health.health().name(),
                health.allowNewSessions(), health.assignedUser(), lastHeartbeat, health.sessionIds(), health.load()),
                writes);
    }

    private void addAllocation(ConsumerRecord<String, byte[]> record, SessionChanges changes)
            throws MalformedEventException {
        if (record.value() == null) {
            return;
        }
        AllocationEvent allocation = EventCodec.decode(record.value(), AllocationEvent.class);
        if (allocation.sessionId() == null || allocation.hostId() == null) {
            throw new MalformedEventException("an allocation record without sessionId or hostId");
        }
        changes.addAllocation(allocation);
    }

    private void addSession(ConsumerRecord<String, byte[]> record, SessionChanges changes)
            throws MalformedEventException {
        if (record.value() == null) {
            // Tombstones follow ENDED, which already freed the slot and left the seat.
            return;
        }
        SessionEvent session = EventCodec.decode(record.value(), SessionEvent.class);
        if (session.sessionId() == null || session.userId() == null || session.poolId() == null
                || session.hostId() == null || session.state() == null) {
            throw new MalformedEventException("a session record without sessionId, userId, poolId, hostId or state");
        }
        changes.add(session, tracksLogons(session.poolId()));
    }

    /**
     * Whether the pool has a logon cap, in this node's copy: only then does a slot stay a logon in progress from
     * PENDING until ACTIVE. A pool that gets a cap later counts the PENDING sessions confirmed before it as logged
     * on (a few more logons than the cap, for at most the pending timeout), never the other way round.
     */
    private boolean tracksLogons(String poolId) {
        InternalCacheEntry<String, PoolPolicy> pool =
                caches.pools().getAdvancedCache().getDataContainer().peek(poolId);
        return pool != null && pool.getValue().maxConcurrentLogonsPerHost() > 0;
    }
}
