package io.berth.common.kafka;

/** What a {@link PollLoop} does with a batch its handler could not handle. Each consumer chooses one. */
public enum FailurePolicy {
    /**
     * Seek back to the batch's first records and handle it again after a bounded back-off, as often as it
     * takes; no position past a failed batch is ever stored. For consumers whose records stand for
     * acknowledged writes (an allocation, a change to apply to shared state): skipping one would lose it.
     */
    RETRY_BATCH,
    /**
     * Count the failed batch ({@code berth_consumer_batches_skipped_total}), log it, store the position past
     * it and go on. Only for consumers where skipping loses no acknowledged write: a replica that is rebuilt
     * anyway, a probe, a notification that a later record repeats.
     */
    SKIP_AND_COUNT
}
