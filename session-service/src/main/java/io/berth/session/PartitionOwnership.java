package io.berth.session;

import io.berth.common.config.KafkaConfig;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which sessions this instance decides for. Instances share the work through the consumer group on
 * {@code berth.allocations}: an instance owns the sessions whose id hashes (as Kafka's default partitioner does)
 * to a partition the group assigned it. {@code berth.allocations} and {@code berth.sessions} have the same
 * partition count and key, so the owner of a session's allocations is also the writer of its timed changes.
 */
final class PartitionOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnership.class);

    private final int partitionCount;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    PartitionOwnership(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    /** Ownership over the partitions of {@code berth.sessions}, as the cluster describes it (blocking). */
    static PartitionOwnership ofSessionsTopic(KafkaConfig kafka) throws Exception {
        try (Admin admin = Admin.create(KafkaClients.adminProps(kafka, "berth-session-describe"))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(Topics.SESSIONS, Topics.ALLOCATIONS))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            int sessionPartitions = topics.get(Topics.SESSIONS).partitions().size();
            int allocationPartitions = topics.get(Topics.ALLOCATIONS).partitions().size();
            if (sessionPartitions != allocationPartitions) {
                LOG.warn("{} has {} partitions but {} has {}: with several session-service instances, a session's "
                                + "owner is then not well defined", Topics.SESSIONS, sessionPartitions,
                        Topics.ALLOCATIONS, allocationPartitions);
            }
            return new PartitionOwnership(sessionPartitions);
        }
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
