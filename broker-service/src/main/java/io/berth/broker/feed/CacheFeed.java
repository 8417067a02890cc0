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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feeds the replicated caches from Kafka. Broker nodes form one consumer group, so each record is applied
 * by one node and replicated to all.
 *
 * <p>The position of each partition is kept in the replicated cache itself ({@code berth-feed-offsets}),
 * written after the batch it follows, not committed to Kafka: state and position live and die together. A
 * node joining a running cluster resumes where the cluster is; a cluster started from empty caches (a full
 * restart) finds no positions and rebuilds everything from the beginning of the topics.
 */
public final class CacheFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFeed.class);
    static final List<String> TOPICS = List.of(Topics.CONFIG, Topics.HOST_HEALTH, Topics.SESSIONS);

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

    public CacheFeed(KafkaConfig kafka, String groupId, String clientId, FeedApplier applier,
                     Cache<String, Long> positions, MeterRegistry registry) {
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
            consumer.subscribe(TOPICS, new ResumeFromCache());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
                    records.forEach(batch::add);
                    if (!applyOrRewind(batch, records)) {
                        continue;
                    }
                    Map<String, Long> next = new HashMap<>();
                    for (TopicPartition partition : records.partitions()) {
                        List<ConsumerRecord<String, byte[]>> partitionRecords = records.records(partition);
                        next.put(positionKey(partition), partitionRecords.get(partitionRecords.size() - 1).offset() + 1);
                    }
                    positions.putAll(next);
                }
                advancePastControlRecords();
                for (TopicPartition partition : consumer.assignment()) {
                    consumer.currentLag(partition).ifPresent(lag -> lagByPartition.put(partition, lag));
                }
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
     * Applies a batch; if the caches refuse it (a node leaving mid-write, a timeout), rewinds to the batch's
     * start so that it is applied again after a pause instead of being lost.
     */
    private boolean applyOrRewind(List<ConsumerRecord<String, byte[]>> batch, ConsumerRecords<String, byte[]> records) {
        try {
            applier.apply(batch);
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
            positions.putAll(next);
        }
    }

    private void setCatchUpTargets() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            if (end > beginnings.getOrDefault(partition, 0L)) {
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
            for (TopicPartition partition : partitions) {
                Long position = positions.get(positionKey(partition));
                if (position == null) {
                    fromStart.add(partition);
                } else {
                    consumer.seek(partition, position);
                }
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
