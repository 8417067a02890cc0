package io.berth.broker.domain;

import java.util.concurrent.CompletionStage;

/** Where decisions become durable (Kafka, acks=all); a failed stage means the record is not stored. */
public interface AllocationLog {

    CompletionStage<Void> allocated(Allocation allocation);

    CompletionStage<Void> startRequested(String hostId);
}
