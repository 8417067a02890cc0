package io.berth.common.config;

import java.util.Objects;

/** Where Kafka is, how Berth's clients authenticate to it, and how Berth's topics are laid out on it. */
public record KafkaConfig(String bootstrapServers, int topicPartitions, short replicationFactor, int fetchWaitMillis,
                          KafkaSecurity security) {

    public static final String BOOTSTRAP = "BERTH_KAFKA_BOOTSTRAP";
    public static final String PARTITIONS = "BERTH_TOPIC_PARTITIONS";
    public static final String REPLICATION = "BERTH_TOPIC_REPLICATION_FACTOR";
    public static final String FETCH_WAIT = "BERTH_KAFKA_FETCH_WAIT_MS";
    /**
     * A consumer's batch window: how long it waits, once at the ends of its partitions, before it fetches again.
     * Under load every produce request would otherwise answer a fetch of its own, to every consumer of its topic.
     */
    public static final int DEFAULT_FETCH_WAIT_MILLIS = 10;

    public KafkaConfig(String bootstrapServers, int topicPartitions, short replicationFactor) {
        this(bootstrapServers, topicPartitions, replicationFactor, DEFAULT_FETCH_WAIT_MILLIS);
    }

    public KafkaConfig(String bootstrapServers, int topicPartitions, short replicationFactor, int fetchWaitMillis) {
        this(bootstrapServers, topicPartitions, replicationFactor, fetchWaitMillis, KafkaSecurity.NONE);
    }

    public KafkaConfig {
        Objects.requireNonNull(security, "security");
        if (bootstrapServers == null || bootstrapServers.isBlank() || !bootstrapServers.contains(":")) {
            throw new ConfigException(BOOTSTRAP + " must list host:port pairs, was '" + bootstrapServers + "'");
        }
    }

    public static KafkaConfig load(Env env) {
        return new KafkaConfig(
                env.string(BOOTSTRAP, "127.0.0.1:9092"),
                env.integer(PARTITIONS, 6, 1, 1000),
                (short) env.integer(REPLICATION, 1, 1, 32),
                env.integer(FETCH_WAIT, DEFAULT_FETCH_WAIT_MILLIS, 0, 500),
                KafkaSecurity.load(env));
    }

    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, topicPartitions, replicationFactor, fetchWaitMillis, security);
    }

    public KafkaConfig withSecurity(KafkaSecurity security) {
        return new KafkaConfig(bootstrapServers, topicPartitions, replicationFactor, fetchWaitMillis, security);
    }
}
