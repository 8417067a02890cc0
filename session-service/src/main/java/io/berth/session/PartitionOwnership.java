package io.berth.session;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sessions this instance decides for. Instances share the work through the consumer group on
 * {@code berth.allocations}: an instance owns the sessions whose id hashes (as Kafka's default partitioner does)
 * to a partition the group assigned it. {@code berth.allocations} and {@code berth.sessions} have the same
 * partition count and key, so the owner of a session's allocations is also the writer of its timed changes.
 */
final class PartitionOwnership {

    private final int partitionCount;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    PartitionOwnership(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    int partitionOf(String sessionId) {
        return Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    boolean owns(String sessionId) {
        return owned.contains(partitionOf(sessionId));
    }

    void assigned(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> owned.add(partition.partition()));
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> owned.remove(partition.partition()));
    }

    Set<Integer> owned() {
        return Set.copyOf(owned);
    }
}
