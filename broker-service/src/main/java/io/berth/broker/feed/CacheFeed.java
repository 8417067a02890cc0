package io.berth.broker.feed;

import io.berth.common.config.KafkaConfig;
import io.berth.common.kafka.FailurePolicy;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.PollLoop;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Feeds the replicated caches from Kafka through common's {@link PollLoop}. Broker nodes form one consumer
 * group, so each record is applied by one node and replicated to all. A batch the caches refuse (a node
 * leaving mid-write, a timeout) is applied again ({@link FailurePolicy#RETRY_BATCH}); positions are kept
 * with the caches ({@link CacheOffsets}).
 *
 * <p>While this node is in a minority partition ({@code mayApply} false) it leaves the consumer group: its
 * caches refuse writes, and partitions it kept would be applied by nobody, since the group knows nothing of
 * JGroups. The majority takes them over from the positions in its caches; after the merge this node joins the
 * group again and resumes from the merged positions.
 */
public final class CacheFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFeed.class);
    static final List<String> TOPICS = List.of(Topics.CONFIG, Topics.HOST_HEALTH, Topics.SESSIONS,
            Topics.ALLOCATIONS);
    /**
     * How far back a partition of {@code berth.allocations} without a stored position is read: a reservation
     * older than that is past any pool's pending timeout (at most 24 h) already. The topic keeps 7 days, which a
     * rebuild need not read.
     */
    static final Duration ALLOCATIONS_LOOKBACK = Duration.ofHours(25);
    /** How often at most this node stores a partition's read-through time (a replicated write). */
    private static final long READ_THROUGH_STEP_MILLIS = 500;

    private final KafkaConsumer<String, byte[]> consumer;
    private final CacheOffsets offsets;
    private final PollLoop loop;
    /** End offsets of every partition at start: the cluster is caught up when its positions reach them. */
    private final Map<TopicPartition, Long> catchUpTargets = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private final BooleanSupplier mayApply;
    private volatile boolean inGroup;
    private final List<TopicPartition> allocationPartitions = new ArrayList<>();
    /** When the poll of this turn and of the one before started: see {@link #noteReadThrough}. */
    private long pollStartedMillis;
    private long previousPollStartedMillis;
    private final Map<TopicPartition, Long> readThroughWritten = new HashMap<>();

    public CacheFeed(KafkaConfig kafka, String groupId, String clientId, FeedApplier applier,
                     Cache<String, Long> positions, MeterRegistry registry) {
        this(kafka, groupId, clientId, applier, positions, registry, () -> true);
    }

    /** @param mayApply whether this node's caches take writes now (false in a minority partition) */
    public CacheFeed(KafkaConfig kafka, String groupId, String clientId, FeedApplier applier,
                     Cache<String, Long> positions, MeterRegistry registry, BooleanSupplier mayApply) {
        this.mayApply = mayApply;
        Map<String, Object> props = KafkaClients.consumerProps(kafka, clientId, groupId);
        // Larger batches while rebuilding: fewer waits for the caches, more records coalesced per key.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props);
        this.offsets = new CacheOffsets(positions, mayApply, ALLOCATIONS_LOOKBACK);
        this.loop = new PollLoop("broker-feed", consumer, batch -> applier.apply(batch, mayApply),
                FailurePolicy.RETRY_BATCH, offsets, registry, KafkaClients.batchWindow(kafka));
    }

    public void start() {
        loop.start(this::setCatchUpTargets, this::followGroupMembership, this::afterTurn);
    }

    static String positionKey(TopicPartition partition) {
        return CacheOffsets.positionKey(partition);
    }

    /**
     * Whether the cluster's caches hold every record that was on the topics when this node started, whichever
     * node applied it.
     */
    public boolean isCaughtUp() {
        if (loop.stopped().isCompletedExceptionally()) {
            return false;
        }
        if (caughtUp) {
            return true;
        }
        if (catchUpTargets.isEmpty()) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> target : catchUpTargets.entrySet()) {
            Long position = offsets.position(target.getKey());
            if (position == null || position < target.getValue()) {
                return false;
            }
        }
        caughtUp = true;
        LOG.info("Broker caches caught up with {}", TOPICS);
        return true;
    }

    public long lag() {
        return loop.lag();
    }

    /**
     * Joins the consumer group while this node's caches take writes, leaves it while they do not. Returns
     * whether to poll now; when not, it has waited a moment (the partition is healed by JGroups, not by us).
     */
    private boolean followGroupMembership() {
        boolean may = mayApply.getAsBoolean();
        if (may && !inGroup) {
            consumer.subscribe(TOPICS, loop.rebalanceListener(null));
            inGroup = true;
            LOG.info("Broker feed joins consumer group (caches take writes)");
        } else if (!may && inGroup) {
            // Leaves the group at once (LeaveGroup), so the majority gets these partitions in one rebalance.
            consumer.unsubscribe();
            loop.forgetLag();
            inGroup = false;
            LOG.warn("Broker feed left its consumer group: this node is in a minority partition and its caches"
                    + " refuse writes; the majority applies the topics");
        }
        if (!may) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (Thread.interrupted()) {
                throw new WakeupException();
            }
            return false;
        }
        pollStartedMillis = System.currentTimeMillis();
        return true;
    }

    /** After a poll whose batch (if any) is applied and stored: positions past commit markers, read-through times. */
    private void afterTurn() {
        if (!inGroup || loop.isRetrying()) {
            return;
        }
        advancePastControlRecords();
        noteReadThrough(previousPollStartedMillis);
        previousPollStartedMillis = pollStartedMillis;
    }

    static String readThroughKey(TopicPartition partition) {
        return "read-through/" + positionKey(partition);
    }

    /**
     * For each partition of {@code berth.allocations} this node holds and has applied to its end: stores that
     * every record acknowledged before {@code fetchedAfter} is applied. The poll that found the end used a fetch
     * sent after the previous poll started, and the high watermark it carried covers every record acknowledged
     * before the fetch, so the previous poll's start is a safe moment.
     */
    private void noteReadThrough(long fetchedAfter) {
        if (fetchedAfter == 0) {
            return;
        }
        Map<String, Long> written = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            if (!partition.topic().equals(Topics.ALLOCATIONS) || consumer.currentLag(partition).orElse(1L) != 0) {
                continue;
            }
            Long last = readThroughWritten.get(partition);
            if (last == null || fetchedAfter - last >= READ_THROUGH_STEP_MILLIS) {
                written.put(readThroughKey(partition), fetchedAfter);
                readThroughWritten.put(partition, fetchedAfter);
            }
        }
        if (!written.isEmpty()) {
            try {
                offsets.storeEach(written);
            } catch (RuntimeException e) {
                // Only a later read-through is lost: a release waits a little longer.
                readThroughWritten.clear();
                LOG.debug("Could not store the allocations' read-through time", e);
            }
        }
    }

    /**
     * The latest moment by which every partition of {@code berth.allocations} had been applied to its end,
     * whichever node holds it; 0 while any partition has not been (or the partitions are not known yet).
     */
    public long allocationsReadThroughMillis() {
        if (allocationPartitions.isEmpty()) {
            return 0;
        }
        long least = Long.MAX_VALUE;
        for (TopicPartition partition : allocationPartitions) {
            Long through = offsets.get(readThroughKey(partition));
            if (through == null) {
                return 0;
            }
            least = Math.min(least, through);
        }
        return least;
    }

    /** Whether the feed is in the consumer group now (it leaves it in a minority partition). */
    public boolean isInGroup() {
        return inGroup;
    }

    /**
     * The inventory writes berth.config and berth.host-health in transactions: a commit marker follows its
     * records, so a partition's end offset lies one past its last record and the last record alone never
     * reaches it. Every record before the consumer's position has been polled and applied by now, so the
     * position (which moves past markers) is what the caches hold.
     */
    private void advancePastControlRecords() {
        Map<String, Long> next = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            long position = consumer.position(partition);
            Long stored = offsets.position(partition);
            if (stored == null || position > stored) {
                next.put(positionKey(partition), position);
            }
        }
        if (!next.isEmpty()) {
            try {
                offsets.storeEach(next);
            } catch (RuntimeException e) {
                // Only a move past commit markers is lost (a minority partition refuses writes, a timeout): the
                // records are applied, and the next poll stores the position again.
                LOG.debug("Could not store the feed positions past the transactions' commit markers", e);
            }
        }
    }

    private void setCatchUpTargets() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
                if (topic.equals(Topics.ALLOCATIONS)) {
                    allocationPartitions.add(new TopicPartition(topic, info.partition()));
                }
            }
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            // berth.allocations only tells reservations durable (read from a recent time, not from the start);
            // placement needs the other three topics.
            if (!partition.topic().equals(Topics.ALLOCATIONS) && end > beginnings.getOrDefault(partition, 0L)) {
                catchUpTargets.put(partition, end);
            }
        }
        if (catchUpTargets.isEmpty()) {
            caughtUp = true;
        }
    }

    /** Stops polling, leaves the group (its partitions move to the other nodes) and closes the consumer. */
    @Override
    public void close() {
        loop.close();
    }
}
