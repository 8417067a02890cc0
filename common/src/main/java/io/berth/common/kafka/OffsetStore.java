package io.berth.common.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;

/**
 * Where a {@link PollLoop} keeps how far its consumer has handled each partition. Both methods run on the
 * loop's thread and may block.
 */
public interface OffsetStore {

    /**
     * Puts each just-assigned partition at its stored position. A partition with none is left where the
     * consumer's own rules put it (its committed offset, else {@code auto.offset.reset}).
     */
    void resume(Consumer<?, ?> consumer, Collection<TopicPartition> assigned);

    /**
     * Stores the positions after a handled batch. Throws when they are not stored: the loop then handles
     * the batch again under {@link FailurePolicy#RETRY_BATCH}, so a position is never ahead of the work.
     */
    void store(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> next);

    /**
     * Called on every poll turn, batch or none: a store that holds positions back may store them now. Must not
     * throw for a failed store (the next turn tries again).
     */
    default void tick(Consumer<?, ?> consumer) {
    }

    /** Stores at once what is held back for {@code partitions} (given up, or the reader closing) and forgets it. */
    default void flush(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    }

    /** No positions kept: a reader that rebuilds its state from the beginning of its topics on each start. */
    OffsetStore NONE = new OffsetStore() {
        @Override
        public void resume(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        }

        @Override
        public void store(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> next) {
        }
    };
}
