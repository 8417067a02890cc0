package io.berth.common.kafka;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commits held back to one a second, against Kafka's MockConsumer and a clock the test moves. */
class GroupCommitsTest {

    private static final TopicPartition P0 = new TopicPartition("berth.allocations", 0);
    private static final TopicPartition P1 = new TopicPartition("berth.allocations", 1);

    private int commitsToRefuse;
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (commitsToRefuse > 0) {
                commitsToRefuse--;
                throw new KafkaException("coordinator unavailable");
            }
            super.commitSync(offsets);
        }
    };
    private long nanos;
    private final GroupCommits commits = new GroupCommits(Duration.ofSeconds(1), () -> nanos);

    GroupCommitsTest() {
        consumer.assign(List.of(P0, P1));
    }

    private Long committed(TopicPartition partition) {
        OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
        return offset == null ? null : offset.offset();
    }

    private static Map<TopicPartition, OffsetAndMetadata> at(TopicPartition partition, long offset) {
        return Map.of(partition, new OffsetAndMetadata(offset));
    }

    @Test
    void theFirstBatchCommitsAtOnceAndLaterOnesWithinTheIntervalWait() {
        commits.store(consumer, at(P0, 3));
        assertThat(committed(P0)).isEqualTo(3);

        nanos += Duration.ofMillis(400).toNanos();
        commits.store(consumer, at(P0, 7));
        commits.store(consumer, at(P1, 2));
        assertThat(committed(P0)).as("400 ms after the last commit").isEqualTo(3);
        assertThat(committed(P1)).isNull();
        assertThat(commits.pendingCount()).isEqualTo(2);

        nanos += Duration.ofMillis(600).toNanos();
        commits.store(consumer, at(P0, 9));
        assertThat(committed(P0)).isEqualTo(9);
        assertThat(committed(P1)).isEqualTo(2);
        assertThat(commits.pendingCount()).isZero();
    }

    @Test
    void aTurnWithoutBatchesCommitsWhatIsPendingOnceTheIntervalHasPassed() {
        commits.store(consumer, at(P0, 3));
        commits.store(consumer, at(P0, 5));
        commits.tick(consumer);
        assertThat(committed(P0)).isEqualTo(3);

        nanos += Duration.ofSeconds(1).toNanos();
        commits.tick(consumer);
        assertThat(committed(P0)).isEqualTo(5);
    }

    @Test
    void partitionsGivenUpCommitAtOnceAndTheOthersStayPending() {
        commits.store(consumer, at(P0, 1));
        commits.store(consumer, Map.of(P0, new OffsetAndMetadata(4), P1, new OffsetAndMetadata(6)));

        commits.flush(consumer, List.of(P1));

        assertThat(committed(P1)).isEqualTo(6);
        assertThat(committed(P0)).isEqualTo(1);
        assertThat(commits.pendingCount()).isEqualTo(1);
    }

    @Test
    void aFailedCommitOfABatchThrowsSoTheBatchIsHandledAgainButAFailedTickDoesNot() {
        commitsToRefuse = 2;
        assertThatThrownBy(() -> commits.store(consumer, at(P0, 3))).isInstanceOf(KafkaException.class);
        assertThat(commits.pendingCount()).as("kept for the next try").isEqualTo(1);

        commits.tick(consumer);
        assertThat(commits.pendingCount()).isEqualTo(1);

        commits.tick(consumer);
        assertThat(committed(P0)).isEqualTo(3);
    }
}
