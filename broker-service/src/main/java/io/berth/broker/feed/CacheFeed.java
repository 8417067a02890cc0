package io.berth.broker.feed;

import io.berth.common.config.KafkaConfig;
import io.berth.common.kafka.KafkaClients;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Feeds the replicated caches from Kafka. Broker nodes form one consumer group, so each record is applied
 * by one node and replicated to all.
 *
 * <p>The position of each partition is kept in the replicated cache itself ({@code berth-feed-offsets}),
 * written after the batch it follows, not committed to Kafka: state and position live and die together. A
 * node joining a running cluster resumes where the cluster is; a cluster started from empty caches (a full
 * restart) finds no positions and rebuilds everything from the beginning of the topics.
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
    private final FeedApplier applier;
    private final Cache<String, Long> positions;
    private final Thread thread;
    private final Map<TopicPartition, Long> lagByPartition = new ConcurrentHashMap<>();
    /** End offsets of every partition at start: the cluster is caught up when its positions reach them. */
    private final Map<TopicPartition, Long> catchUpTargets = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile Throwable failure;
    private final BooleanSupplier mayApply;
    private volatile boolean inGroup;
    private final List<TopicPartition> allocationPartitions = new ArrayList<>();
    /** When the previous poll started: the data of a poll was fetched after it (see {@link #noteReadThrough}). */
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
        this.applier = applier;
        this.positions = positions;
        Gauge.builder("berth_consumer_lag", lagByPartition,
                        lags -> lags.values().stream().mapToLong(Long::longValue).sum())
                .description("Records behind the end of the topics this reader consumes")
                .tag("reader", "broker-feed")
                .register(registry);
        this.thread = new Thread(this::run, "berth-broker-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    static String positionKey(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    /**
     * Whether the cluster's caches hold every record that was on the topics when this node started, whichever
     * node applied it.
     */
    public boolean isCaughtUp() {
        if (failure != null) {
            return false;
        }
        if (caughtUp) {
            return true;
        }
        if (catchUpTargets.isEmpty()) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> target : catchUpTargets.entrySet()) {
            Long position = positions.get(positionKey(target.getKey()));
            if (position == null || position < target.getValue()) {
                return false;
            }
        }
        caughtUp = true;
        LOG.info("Broker caches caught up with {}", TOPICS);
        return true;
    }

    public long lag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }

    private void run() {
        try {
            setCatchUpTargets();
            while (running) {
                if (!followGroupMembership()) {
                    continue;
                }
                long pollStarted = System.currentTimeMillis();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
                    records.forEach(batch::add);
                    if (!applyOrRewind(batch, records)) {
                        continue;
                    }
                }
                advancePastControlRecords();
                for (TopicPartition partition : consumer.assignment()) {
                    consumer.currentLag(partition).ifPresent(lag -> lagByPartition.put(partition, lag));
                }
                noteReadThrough(previousPollStartedMillis);
                previousPollStartedMillis = pollStarted;
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
                LOG.error("Broker feed woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Broker feed stopped on an error", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("Broker feed closed with an error", e);
            }
        }
    }

    /**
     * Joins the consumer group while this node's caches take writes, leaves it while they do not. Returns
     * whether to poll now; when not, it has waited a moment (the partition is healed by JGroups, not by us).
     */
    private boolean followGroupMembership() {
        boolean may = mayApply.getAsBoolean();
        if (may && !inGroup) {
            consumer.subscribe(TOPICS, new ResumeFromCache());
            inGroup = true;
            LOG.info("Broker feed joins consumer group (caches take writes)");
        } else if (!may && inGroup) {
            // Leaves the group at once (LeaveGroup), so the majority gets these partitions in one rebalance.
            consumer.unsubscribe();
            lagByPartition.clear();
            inGroup = false;
            LOG.warn("Broker feed left its consumer group: this node is in a minority partition and its caches"
                    + " refuse writes; the majority applies the topics");
        }
        if (!may) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (Thread.interrupted()) {
                throw new WakeupException();
            }
        }
        return may;
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
            if (!partition.topic().equals(Topics.ALLOCATIONS) || lagByPartition.getOrDefault(partition, 1L) != 0) {
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
                storeEach(written);
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
            Long through = positions.get(readThroughKey(partition));
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
     * Stores positions one key per write: a multi-key {@code putAll} locks its keys on their owners one after the
     * other, and two nodes writing overlapping keys (a partition changing hands in a rebalance) deadlocked until
     * the lock timeout.
     */
    private void storeEach(Map<String, Long> values) {
        List<CompletableFuture<?>> writes = new ArrayList<>(values.size());
        values.forEach((key, value) -> writes.add(positions.putAsync(key, value)));
        FeedApplier.awaitAll(writes, mayApply, "the feed's positions");
    }

    /**
     * Applies a batch and stores its positions; if the caches refuse either (a node leaving mid-write, a
     * timeout), rewinds to the batch's start so that it is applied again after a pause instead of being lost.
     */
    private boolean applyOrRewind(List<ConsumerRecord<String, byte[]>> batch, ConsumerRecords<String, byte[]> records) {
        try {
            applier.apply(batch, mayApply);
            Map<String, Long> next = new HashMap<>();
            for (TopicPartition partition : records.partitions()) {
                List<ConsumerRecord<String, byte[]>> partitionRecords = records.records(partition);
                next.put(positionKey(partition), partitionRecords.get(partitionRecords.size() - 1).offset() + 1);
            }
            storeEach(next);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Broker feed could not apply a batch of {} records; retrying it", batch.size(), e);
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
            return false;
        }
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
            Long stored = positions.get(positionKey(partition));
            if (stored == null || position > stored) {
                next.put(positionKey(partition), position);
            }
        }
        if (!next.isEmpty()) {
            try {
                storeEach(next);
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

    /** On assignment, each partition continues from the position stored with the caches, or from its start. */
    private final class ResumeFromCache implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fromStart = new ArrayList<>();
            Map<TopicPartition, Long> allocationsSince = new HashMap<>();
            long since = System.currentTimeMillis() - ALLOCATIONS_LOOKBACK.toMillis();
            for (TopicPartition partition : partitions) {
                Long position = positions.get(positionKey(partition));
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
            LOG.info("Broker feed assigned {} partitions ({} from the beginning)", partitions.size(), fromStart.size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(lagByPartition::remove);
        }
    }

    /** Stops polling, leaves the group (its partitions move to the other nodes) and closes the consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
