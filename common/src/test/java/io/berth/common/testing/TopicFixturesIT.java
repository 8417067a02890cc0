package io.berth.common.testing;

import io.berth.common.events.ConfigKey;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link EventWriter} writes, {@link TopicRecorder} reads back: in order, decoded, tombstones included. */
class TopicFixturesIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    @BeforeAll
    static void createTopics() {
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
    }

    private static HostPoolConfig pool(String poolId, int maxSessions) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, maxSessions,
                PersonalAssignment.AUTOMATIC, false, 30, 60);
    }

    @Test
    void whatIsWrittenIsRecordedInOrderWithTombstones() {
        try (EventWriter writer = new EventWriter(kafka.kafkaConfig());
             TopicRecorder<byte[]> recorder = TopicRecorder.of(kafka.kafkaConfig(), Topics.CONFIG)) {
            // given a pool written, changed and removed, and a second pool in one burst
            String key = ConfigKey.pool("p1").asString();
            writer.send(Topics.CONFIG, key, pool("p1", 5));
            writer.send(Topics.CONFIG, key, pool("p1", 7));
            writer.send(Topics.CONFIG, key, null);
            writer.sendAll(Topics.CONFIG, List.of(pool("p2", 1), pool("p3", 2)),
                    event -> ConfigKey.pool(event.poolId()).asString());

            // then the recorder has every acknowledged record, without waiting
            assertThat(recorder.records(key)).extracting(ConsumerRecord::value)
                    .satisfiesExactly(first -> assertThat(first).isNotNull(),
                            second -> assertThat(second).isNotNull(),
                            tombstone -> assertThat(tombstone).isNull());
            assertThat(recorder.events(HostPoolConfig.class)).extracting(HostPoolConfig::poolId)
                    .containsExactlyInAnyOrder("p1", "p1", "p2", "p3");
            assertThat(recorder.latest(key)).hasValueSatisfying(record -> assertThat(record.value()).isNull());
            assertThat(recorder.awaitMatching(HostPoolConfig.class, event -> event.maxSessionsPerHost() == 7,
                    Duration.ofSeconds(5)).poolId()).isEqualTo("p1");
        }
    }

    @Test
    void aTextRecorderAwaitsARecordWrittenLaterAndGivesUpAtItsDeadline() throws Exception {
        try (EventWriter writer = new EventWriter(kafka.kafkaConfig());
             TopicRecorder<String> recorder = TopicRecorder.ofText(kafka.kafkaConfig(), Topics.HOST_COMMANDS)) {
            // given nothing on the topic yet: a wait with a short deadline fails, naming what it waited for
            assertThatThrownBy(() -> recorder.awaitFirst(record -> "late".equals(record.key()), Duration.ofMillis(300)))
                    .hasMessageContaining("a record on " + Topics.HOST_COMMANDS);

            // when a raw record is written
            writer.sendRaw(Topics.HOST_COMMANDS, "late", "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8));

            // then it is found as text
            assertThat(recorder.awaitLatest("late", record -> record.value() != null).value())
                    .isEqualTo("{\"not\":\"an event\"}");
            assertThat(recorder.records()).hasSize(1);
        }
    }
}
