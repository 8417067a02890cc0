package io.berth.broker.feed;

import io.berth.common.kafka.OffsetStore;
import io.berth.common.kafka.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The broker feed's positions, kept in the replicated cache itself ({@code berth-feed-offsets}) and not
 * committed to Kafka: state and position live and die together. A node joining a running cluster resumes
 * where the cluster is; a cluster started from empty caches (a full restart) finds no positions and
 * rebuilds from the beginning of the topics, {@code berth.allocations} from a recent time only.
 */
final class CacheOffsets implements OffsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(CacheOffsets.class);

    private final Cache<String, Long> positions;
    private final BooleanSupplier mayWrite;
    private final Duration allocationsLookback;

    CacheOffsets(Cache<String, Long> positions, BooleanSupplier mayWrite, Duration allocationsLookback) {
        this.positions = positions;
        this.mayWrite = mayWrite;
        this.allocationsLookback = allocationsLookback;
    }

    static String positionKey(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    /** The stored position of {@code partition}, or null if none. */
    Long position(TopicPartition partition) {
        return positions.get(positionKey(partition));
    }

    /** Each partition continues from the position stored with the caches, or from its start. */
    @Override
    public void resume(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<TopicPartition, Long> allocationsSince = new HashMap<>();
        long since = System.currentTimeMillis() - allocationsLookback.toMillis();
        for (TopicPartition partition : assigned) {
            Long position = position(partition);
            if (position != null) {
                consumer.seek(partition, position);
            } else if (partition.topic().equals(Topics.ALLOCATIONS)) {
                allocationsSince.put(partition, since);
            } else {
                fromStart.add(partition);
            }
        }
        if (!allocationsSince.isEmpty()) {
            List<TopicPartition> toEnd = new ArrayList<>();
            consumer.offsetsForTimes(allocationsSince).forEach((partition, found) -> {
                if (found == null) {
                    toEnd.add(partition);
                } else {
                    consumer.seek(partition, found.offset());
                }
            });
            consumer.seekToEnd(toEnd);
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        LOG.info("Broker feed assigned {} partitions ({} from the beginning)", assigned.size(), fromStart.size());
    }

    @Override
    public void store(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> next) {
        Map<String, Long> values = new HashMap<>();
        next.forEach((partition, offset) -> values.put(positionKey(partition), offset.offset()));
        storeEach(values);
    }

    /**
     * Stores values one key per write: a multi-key {@code putAll} locks its keys on their owners one after the
     * other, and two nodes writing overlapping keys (a partition changing hands in a rebalance) deadlocked until
     * the lock timeout.
     */
    void storeEach(Map<String, Long> values) {
        List<CompletableFuture<?>> writes = new ArrayList<>(values.size());
        values.forEach((key, value) -> writes.add(positions.putAsync(key, value)));
        FeedApplier.awaitAll(writes, mayWrite, "the feed's positions");
    }

    Long get(String key) {
        return positions.get(key);
    }
}
