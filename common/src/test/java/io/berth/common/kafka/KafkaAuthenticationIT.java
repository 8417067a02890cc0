package io.berth.common.kafka;

import io.berth.common.config.KafkaConfig;
import io.berth.common.testing.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Berth's clients against a Kafka that authenticates (SASL SCRAM-SHA-512) and authorizes (ACLs, deny by
 * default), configured only through {@link KafkaConfig} and {@link KafkaClients}: a client without
 * credentials or with a wrong password is refused, the service's user writes where its ACL allows and
 * nowhere else.
 */
class KafkaAuthenticationIT {

    @RegisterExtension
    static final KafkaClusterExtension kafka = KafkaClusterExtension.withScramAuthentication();

    private static final String USER = "berth-broker";
    private static final String PASSWORD = "a \"quoted\\ password\" for berth-broker";

    @BeforeAll
    static void createTopicsUserAndAcls() throws Exception {
        kafka.addScramUser(USER, PASSWORD);
        try (Admin admin = kafka.superUserAdmin()) {
            admin.createTopics(List.of(new NewTopic(Topics.ALLOCATIONS, 1, (short) 1),
                    new NewTopic(Topics.SESSIONS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // The broker service's grant for its own topic (docs/security.md); none for berth.sessions.
            admin.createAcls(List.of(
                    allow(Topics.ALLOCATIONS, AclOperation.WRITE),
                    allow(Topics.ALLOCATIONS, AclOperation.DESCRIBE))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static AclBinding allow(String topic, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", operation, AclPermissionType.ALLOW));
    }

    private static RecordMetadata send(KafkaConfig config, String topic) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaClients.producerProps(config, "berth-auth-it"))) {
            return producer.send(new ProducerRecord<>(topic, "alloc-1", "{}".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static long recordsIn(String topic) throws Exception {
        try (Admin admin = kafka.superUserAdmin()) {
            return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next().offset();
        }
    }

    @Test
    void aProducerWithoutCredentialsIsRefusedAndWritesNothing() throws Exception {
        long before = recordsIn(Topics.ALLOCATIONS);

        assertThatThrownBy(() -> send(kafka.kafkaConfig(), Topics.ALLOCATIONS))
                .isInstanceOf(ExecutionException.class);

        assertThat(recordsIn(Topics.ALLOCATIONS)).isEqualTo(before);
    }

    @Test
    void aProducerWithAWrongPasswordIsRefusedAsUnauthenticated() throws Exception {
        long before = recordsIn(Topics.ALLOCATIONS);

        assertThatThrownBy(() -> send(kafka.kafkaConfig(USER, "guessed"), Topics.ALLOCATIONS))
                .hasCauseInstanceOf(SaslAuthenticationException.class);

        assertThat(recordsIn(Topics.ALLOCATIONS)).isEqualTo(before);
    }

    @Test
    void theServicesUserWritesWhereItsAclAllowsAndNowhereElse() throws Exception {
        KafkaConfig authenticated = kafka.kafkaConfig(USER, PASSWORD);
        long before = recordsIn(Topics.ALLOCATIONS);

        // The new SCRAM credential reaches the broker's credential cache through the metadata log.
        RecordMetadata written = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> send(authenticated, Topics.ALLOCATIONS), metadata -> metadata.offset() >= 0);

        assertThat(written.topic()).isEqualTo(Topics.ALLOCATIONS);
        assertThat(recordsIn(Topics.ALLOCATIONS)).isEqualTo(before + 1);
        assertThatThrownBy(() -> send(authenticated, Topics.SESSIONS))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(recordsIn(Topics.SESSIONS)).isZero();
    }
}
