package io.berth.common.kafka;

import io.berth.common.config.KafkaConfig;
import io.berth.common.config.KafkaSecurity;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The Kafka client settings every Berth producer and consumer starts from. */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** What every client (admin, producer, consumer) starts from: where Kafka is and how to authenticate. */
    public static Map<String, Object> adminProps(KafkaConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.putAll(securityProps(config.security()));
        return props;
    }

    /**
     * The security settings of every client. The password goes into {@code sasl.jaas.config}, a setting Kafka
     * types as a password and never prints in its config logs; Berth never logs these maps.
     */
    static Map<String, Object> securityProps(KafkaSecurity security) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.protocol());
        if (security.usesSasl()) {
            String loginModule = security.saslMechanism().equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.put(SaslConfigs.SASL_MECHANISM, security.saslMechanism());
            props.put(SaslConfigs.SASL_JAAS_CONFIG, loginModule + " required username=\""
                    + jaasQuoted(security.username().orElseThrow()) + "\" password=\""
                    + jaasQuoted(security.password().orElseThrow()) + "\";");
        }
        security.truststoreLocation().ifPresent(path ->
                props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, path.toString()));
        security.truststorePassword().ifPresent(password ->
                props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password));
        return props;
    }

    /** A value inside a JAAS double-quoted string: a quote or backslash in a password must not end it. */
    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Producer overrides for services whose sends no gateway waits for (the session and inventory services
     * answer agents, not connects): a longer linger packs a storm's records into fewer produce requests,
     * which is CPU and bytes saved in Kafka and in every consumer. At 1,000 connects/s the session service's
     * 2.8 records per connect went out in 117-134 produce requests a second with 5 ms, 34-35 with 25 ms
     * (docs/benchmarks.md, seventh look). An agent's report is answered up to 20 ms later; no agent waits on that.
     */
    public static Map<String, Object> offConnectPathProducer() {
        return Map.of(ProducerConfig.LINGER_MS_CONFIG, 25);
    }

    /** The batch window of a reader off every request's path (see TopicReader.Builder.relaxedFetch). */
    public static final Duration RELAXED_BATCH_WINDOW = Duration.ofMillis(250);

    /**
     * How long a reader waits, once at the ends of its partitions, before it fetches again (see
     * {@link PollLoop#pollOnce}): Kafka's answers stay prompt when little is written and gather a window's records
     * into one fetch under load.
     */
    public static Duration batchWindow(KafkaConfig config) {
        return Duration.ofMillis(config.fetchWaitMillis());
    }

    /** Idempotent, acks=all: an acknowledged send is on every in-sync replica exactly once. */
    public static Map<String, Object> producerProps(KafkaConfig config, String clientId) {
        Map<String, Object> props = adminProps(config, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // A short linger lets a logon storm share batches without adding visible latency.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // No compression: Berth's events are a few hundred bytes and batches hold a handful of them, and
        // an lz4 batch allocates two 64 KiB buffers (measured: ~40 % of all bytes allocated under load).
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // send() runs on event loops: when Kafka is unreachable it must fail fast (the caller answers 503)
        // rather than block the loop while the producer waits for metadata or buffer space.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    public static Map<String, Object> consumerProps(KafkaConfig config, String clientId, String groupId) {
        Map<String, Object> props = adminProps(config, clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
