package io.berth.deploy.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The launcher's Kafka keeps what it acknowledged across a stop and a start on the same directory. */
class EmbeddedKafkaServerIT {

    private static final String TOPIC = "berth.test-durability";

    @TempDir
    Path dataDir;

    private EmbeddedKafkaServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void recordsSurviveARestartOnTheSameDataDirectory() throws Exception {
        // given a server on a fresh data directory, with ephemeral ports
        server = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.under(dataDir, 0));
        Path meta = dataDir.resolve("kafka").resolve("meta.properties");
        assertThat(meta).exists();
        String clusterIdBefore = clusterId(meta);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        // when a record is acknowledged and the server is stopped and started again (new ports)
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(server.bootstrapServers()))) {
            producer.send(new ProducerRecord<>(TOPIC, "pool/demo", "acknowledged-before-restart")).get(30, TimeUnit.SECONDS);
        }
        server.close();
        server = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.under(dataDir, 0));

        // then the storage was not formatted again and the record is still there
        assertThat(clusterId(meta)).isEqualTo(clusterIdBefore);
        List<ConsumerRecord<String, String>> records = readAll(server.bootstrapServers());
        assertThat(records).extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pool/demo", "acknowledged-before-restart"));
    }

    @Test
    void topicsAreNotCreatedByAccident() throws Exception {
        // given a running server
        server = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.under(dataDir, 0));
        Properties props = producerProps(server.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);

        // when a producer writes to a topic nobody created, then it fails instead of creating it
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("berth.typo", "k", "v")).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("berth.typo");
        }
    }

    private static String clusterId(Path meta) throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(meta)) {
            properties.load(in);
        }
        return properties.getProperty("cluster.id");
    }

    private static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return props;
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        return records;
    }
}
