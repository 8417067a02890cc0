package io.berth.common.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The consumer group's committed offsets in Kafka, committed at most once per interval. Each commit is a
 * synchronous round trip and a write to {@code __consumer_offsets}; under load a reader handles a batch every few
 * milliseconds (a commit per batch was ~45 commit requests a second at 400 connects/s). A position not committed
 * yet is only work done again: a member that takes the partition over (or this one after a crash) handles the records
 * since the last commit once more, and handlers are idempotent. Partitions given up in a rebalance and a closing
 * reader commit what they have at once. Used on the poll loop's thread only.
 */
public final class GroupCommits implements OffsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommits.class);

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private long lastCommitNanos;

    public GroupCommits(Duration interval) {
        this(interval, System::nanoTime);
    }

    GroupCommits(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.lastCommitNanos = nanoClock.getAsLong() - intervalNanos;
    }

    @Override
    public void resume(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        // the consumer resumes from the group's committed offsets by itself
    }

    /** Commits when the interval has passed since the last commit; throws when that commit fails. */
    @Override
    public void store(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> next) {
        pending.putAll(next);
        if (due()) {
            commitPending(consumer);
        }
    }

    /** Commits what is pending once the interval has passed, so that an idle reader's group lag reaches zero. */
    @Override
    public void tick(Consumer<?, ?> consumer) {
        if (pending.isEmpty() || !due()) {
            return;
        }
        try {
            commitPending(consumer);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("Committing {} positions failed; the next turn tries again", pending.size(), e);
        }
    }

    /** Commits at once what is pending for {@code partitions} and forgets it, committed or not. */
    @Override
    public void flush(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata position = pending.remove(partition);
            if (position != null) {
                leaving.put(partition, position);
            }
        }
        if (leaving.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(leaving);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.info("Could not commit the last positions of {} partitions given up: their next reader handles the "
                    + "records since the last commit again", leaving.size(), e);
        }
    }

    /** Positions handled and not committed yet. */
    int pendingCount() {
        return pending.size();
    }

    private boolean due() {
        return nanoClock.getAsLong() - lastCommitNanos >= intervalNanos;
    }

    private void commitPending(Consumer<?, ?> consumer) {
        consumer.commitSync(pending);
        pending.clear();
        lastCommitNanos = nanoClock.getAsLong();
    }
}
