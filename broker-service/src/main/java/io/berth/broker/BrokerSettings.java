package io.berth.broker;

import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.cluster.ClusterSecretSource;
import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The broker's own settings, beyond what every service has ({@code ServiceConfig}): how its JGroups stack
 * binds, finds the other nodes and proves it belongs (the cluster secret), its ticket key and lifetime, its
 * Kafka consumer group, and the bounds it puts on gateways, on remembered idempotency keys and on new automatic
 * personal assignments.
 */
public record BrokerSettings(String jgroupsBindAddress, int jgroupsPort, String jgroupsInitialHosts,
                             int jgroupsFailureDetectionOffset, Optional<Path> ticketKeyFile, int ticketTtlSeconds,
                             String consumerGroup, ClusterSecretSource clusterSecret, int gatewayRatePerSecond,
                             int gatewayMaxConcurrent, long idempotencyMaxKeys, int personalAssignmentsPerMinute) {

    public static final String JGROUPS_BIND_ADDRESS = "BERTH_JGROUPS_BIND_ADDRESS";
    public static final String JGROUPS_PORT = "BERTH_JGROUPS_PORT";
    public static final String JGROUPS_INITIAL_HOSTS = "BERTH_JGROUPS_INITIAL_HOSTS";
    public static final String JGROUPS_FD_OFFSET = "BERTH_JGROUPS_FD_OFFSET";
    public static final String TICKET_KEY_FILE = "BERTH_TICKET_KEY_FILE";
    public static final String TICKET_TTL = "BERTH_TICKET_TTL_SECONDS";
    public static final String CONSUMER_GROUP = "BERTH_BROKER_CONSUMER_GROUP";
    public static final String CLUSTER_SECRET = "BERTH_CLUSTER_SECRET";
    public static final String CLUSTER_SECRET_FILE = "BERTH_CLUSTER_SECRET_FILE";
    public static final String CLUSTER_KEYSTORE = "BERTH_CLUSTER_KEYSTORE";
    public static final String CLUSTER_KEYSTORE_PASSWORD = "BERTH_CLUSTER_KEYSTORE_PASSWORD";
    public static final String GATEWAY_RATE = "BERTH_GATEWAY_RATE_PER_SECOND";
    public static final String GATEWAY_MAX_CONCURRENT = "BERTH_GATEWAY_MAX_CONCURRENT";
    public static final String IDEMPOTENCY_MAX_KEYS = "BERTH_IDEMPOTENCY_MAX_KEYS";
    public static final String PERSONAL_ASSIGNMENTS_PER_MINUTE = "BERTH_PERSONAL_ASSIGNMENTS_PER_MINUTE";

    /** Per gateway: far above the load generator's 5,000 connects/s storms, far below what floods a node. */
    public static final int DEFAULT_GATEWAY_RATE = 20_000;
    public static final int DEFAULT_GATEWAY_MAX_CONCURRENT = 10_000;
    /** About 300 bytes an entry: some 60 MiB on every node, ten minutes of keys at 330 keyed connects a second. */
    public static final int DEFAULT_IDEMPOTENCY_MAX_KEYS = 200_000;

    public BrokerSettings {
        if (!jgroupsInitialHosts.matches("[^,\\[\\]\\s]+\\[\\d+](,[^,\\[\\]\\s]+\\[\\d+])*")) {
            throw new ConfigException(JGROUPS_INITIAL_HOSTS + " must list host[port] pairs separated by commas, was '"
                    + jgroupsInitialHosts + "'");
        }
        if (jgroupsPort + jgroupsFailureDetectionOffset > 65535) {
            throw new ConfigException(JGROUPS_PORT + " + " + JGROUPS_FD_OFFSET + " must stay below 65536");
        }
    }

    /** The settings without the security and bounds ones: the secret file under the data dir, default bounds. */
    public BrokerSettings(String jgroupsBindAddress, int jgroupsPort, String jgroupsInitialHosts,
                          int jgroupsFailureDetectionOffset, Optional<Path> ticketKeyFile, int ticketTtlSeconds,
                          String consumerGroup) {
        this(jgroupsBindAddress, jgroupsPort, jgroupsInitialHosts, jgroupsFailureDetectionOffset, ticketKeyFile,
                ticketTtlSeconds, consumerGroup, new ClusterSecretSource.SecretFile(Optional.empty()),
                DEFAULT_GATEWAY_RATE, DEFAULT_GATEWAY_MAX_CONCURRENT, DEFAULT_IDEMPOTENCY_MAX_KEYS, 0);
    }

    /** The same settings with another bound on remembered idempotency keys. */
    public BrokerSettings withIdempotencyMaxKeys(long maxKeys) {
        return new BrokerSettings(jgroupsBindAddress, jgroupsPort, jgroupsInitialHosts, jgroupsFailureDetectionOffset,
                ticketKeyFile, ticketTtlSeconds, consumerGroup, clusterSecret, gatewayRatePerSecond,
                gatewayMaxConcurrent, maxKeys, personalAssignmentsPerMinute);
    }

    public static BrokerSettings load(Env env) {
        String bindAddress = env.string(JGROUPS_BIND_ADDRESS, "127.0.0.1");
        int port = env.integer(JGROUPS_PORT, 7800, 1, 65535);
        return new BrokerSettings(
                bindAddress,
                port,
                env.string(JGROUPS_INITIAL_HOSTS, bindAddress + "[" + port + "]"),
                env.integer(JGROUPS_FD_OFFSET, 100, 1, 60000),
                env.get(TICKET_KEY_FILE).map(Path::of),
                env.integer(TICKET_TTL, 300, 10, 3600),
                env.string(CONSUMER_GROUP, "berth-broker"),
                clusterSecret(env),
                env.integer(GATEWAY_RATE, DEFAULT_GATEWAY_RATE, 0, 1_000_000),
                env.integer(GATEWAY_MAX_CONCURRENT, DEFAULT_GATEWAY_MAX_CONCURRENT, 0, 1_000_000),
                env.integer(IDEMPOTENCY_MAX_KEYS, DEFAULT_IDEMPOTENCY_MAX_KEYS, 1_000, 10_000_000),
                env.integer(PERSONAL_ASSIGNMENTS_PER_MINUTE, 0, 0, 1_000_000));
    }

    private static ClusterSecretSource clusterSecret(Env env) {
        Optional<String> passphrase = env.get(CLUSTER_SECRET);
        Optional<String> keystore = env.get(CLUSTER_KEYSTORE);
        if (passphrase.isPresent() && keystore.isPresent()) {
            throw new ConfigException("set " + CLUSTER_SECRET + " or " + CLUSTER_KEYSTORE + ", not both");
        }
        if (passphrase.isPresent()) {
            if (passphrase.get().getBytes(StandardCharsets.UTF_8).length < ClusterSecret.MIN_SECRET_BYTES) {
                throw new ConfigException(CLUSTER_SECRET + " must hold at least " + ClusterSecret.MIN_SECRET_BYTES
                        + " bytes");
            }
            return new ClusterSecretSource.Passphrase(passphrase.get());
        }
        if (keystore.isPresent()) {
            String password = env.get(CLUSTER_KEYSTORE_PASSWORD).orElseThrow(() -> new ConfigException(
                    CLUSTER_KEYSTORE_PASSWORD + " must be set with " + CLUSTER_KEYSTORE));
            return new ClusterSecretSource.Keystore(Path.of(keystore.get()), password);
        }
        return new ClusterSecretSource.SecretFile(env.get(CLUSTER_SECRET_FILE).map(Path::of));
    }
}
