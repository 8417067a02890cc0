package io.berth.session;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionOwnershipTest {

    @Test
    void aSessionHashesToThePartitionTheProducerWritesItsRecordsTo() {
        // given
        PartitionOwnership ownership = new PartitionOwnership(6);

        // then
        IntStream.range(0, 200).mapToObj(i -> UUID.randomUUID().toString()).forEach(sessionId ->
                assertThat(ownership.partitionOf(sessionId)).as(sessionId).isEqualTo(
                        BuiltInPartitioner.partitionForKey(sessionId.getBytes(StandardCharsets.UTF_8), 6)));
    }

    @Test
    void anInstanceOwnsTheSessionsOfItsAssignedPartitionsOnly() {
        // given
        PartitionOwnership ownership = new PartitionOwnership(6);
        String sessionId = "s-1";
        int partition = ownership.partitionOf(sessionId);

        // when / then
        assertThat(ownership.owns(sessionId)).isFalse();
        ownership.assigned(List.of(new TopicPartition("berth.allocations", partition)));
        assertThat(ownership.owns(sessionId)).isTrue();
        ownership.revoked(List.of(new TopicPartition("berth.allocations", partition)));
        assertThat(ownership.owns(sessionId)).isFalse();
    }
}
