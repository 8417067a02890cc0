package io.berth.common.kafka;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.Event;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HealthCheck;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.testing.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every event type of DESIGN.md section 5 goes through the real broker and comes back equal. */
class EventRoundTripIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    @Test
    void everyEventTypeRoundTripsThroughKafka() throws Exception {
        // given one record of every type, on its topic with its key
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Map.Entry<String, Event>> sent = new LinkedHashMap<>();
        sent.put(Topics.CONFIG + "|pool", Map.entry(ConfigKey.pool("p1").asString(), new HostPoolConfig(1, "p1",
                PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, 30, 60)));
        sent.put(Topics.CONFIG + "|appgroup", Map.entry(ConfigKey.appGroup("ag1").asString(), new AppGroupConfig(1,
                "ag1", "p1", AppGroupType.DESKTOP, List.of("alice"), List.of("staff"))));
        sent.put(Topics.CONFIG + "|host", Map.entry(ConfigKey.host("h1").asString(),
                new HostRegistration(1, "h1", "p1", now, "tok-1")));
        sent.put(Topics.HOST_HEALTH, Map.entry("h1", new HostHealthEvent(1, "h1", "p1", Health.AVAILABLE, true, null,
                List.of("s1"), now, List.of(new HealthCheck("disk", true, null)))));
        sent.put(Topics.ALLOCATIONS, Map.entry("s1",
                new AllocationEvent(1, "s1", "alice", "p1", "h1", "ag1", now, "node-a")));
        sent.put(Topics.SESSIONS, Map.entry("s1",
                new SessionEvent(1, "s1", "alice", "p1", "h1", SessionState.PENDING, now, now, null)));
        sent.put(Topics.HOST_COMMANDS, Map.entry("h1",
                new HostCommandEvent(1, "c1", "h1", HostCommandType.LOGOFF, "s1", null, "LOGOFF", now)));

        // when they are produced through the EventProducer
        EventProducer producer = vertx.executeBlocking(() ->
                EventProducer.create(vertx, kafka.kafkaConfig(), "round-trip", new SimpleMeterRegistry())).await();
        List<Future<?>> sends = new ArrayList<>();
        sent.forEach((topicAndKind, record) -> sends.add(
                producer.send(topicAndKind.split("\\|")[0], record.getKey(), record.getValue())));
        Future.all(sends).await(30, TimeUnit.SECONDS);

        // then a replaying reader sees each one, equal to what was sent
        List<ConsumerRecord<String, byte[]>> received = Collections.synchronizedList(new ArrayList<>());
        TopicReader reader = TopicReader.replay(vertx, kafka.kafkaConfig(), "round-trip-reader",
                        Topics.CONFIG, Topics.HOST_HEALTH, Topics.ALLOCATIONS, Topics.SESSIONS, Topics.HOST_COMMANDS)
                .handler(batch -> {
                    received.addAll(batch);
                    return null;
                })
                .start();
        try {
            reader.caughtUp().await(30, TimeUnit.SECONDS);
            assertThat(received).hasSize(sent.size());
            for (Map.Entry<String, Event> record : sent.values()) {
                ConsumerRecord<String, byte[]> match = received.stream()
                        .filter(r -> r.key().equals(record.getKey()) && topicOf(sent, record).equals(r.topic()))
                        .findFirst().orElseThrow();
                assertThat(decodeAs(match, record.getValue())).isEqualTo(record.getValue());
            }
        } finally {
            reader.close();
            producer.close();
        }
    }

    @Test
    void aGroupReaderCommitsSoThatASecondMemberDoesNotSeeTheSameRecordsAgain() throws Exception {
        EventProducer producer = vertx.executeBlocking(() ->
                EventProducer.create(vertx, kafka.kafkaConfig(), "group-test", new SimpleMeterRegistry())).await();
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            producer.send(Topics.HOST_COMMANDS, "g" + i, new HostCommandEvent(1, "c" + i, "g" + i, HostCommandType.START, null, null, null, now))
                    .await(30, TimeUnit.SECONDS);
        }
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        TopicReader reader = TopicReader.group(vertx, kafka.kafkaConfig(), "group-a", "test-group", Topics.HOST_COMMANDS)
                .handler(batch -> {
                    batch.stream().filter(r -> r.key().startsWith("g")).forEach(r -> first.add(r.key()));
                    return null;
                }).start();
        reader.caughtUp().await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 20);
        reader.close();

        List<String> second = Collections.synchronizedList(new ArrayList<>());
        TopicReader again = TopicReader.group(vertx, kafka.kafkaConfig(), "group-b", "test-group", Topics.HOST_COMMANDS)
                .handler(batch -> {
                    batch.stream().filter(r -> r.key().startsWith("g")).forEach(r -> second.add(r.key()));
                    return null;
                }).start();
        again.caughtUp().await(30, TimeUnit.SECONDS);
        assertThat(second).isEmpty();
        assertThat(again.lag()).isZero();
        again.close();
        producer.close();
    }

    private static String topicOf(Map<String, Map.Entry<String, Event>> sent, Map.Entry<String, Event> record) {
        return sent.entrySet().stream().filter(e -> e.getValue() == record).findFirst().orElseThrow()
                .getKey().split("\\|")[0];
    }

    private static Event decodeAs(ConsumerRecord<String, byte[]> record, Event expected) {
        try {
            return EventCodec.decode(record.value(), expected.getClass());
        } catch (Exception e) {
            return null;
        }
    }
}
