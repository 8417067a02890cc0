package io.berth.broker;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The broker's own settings, beyond what every service has ({@code ServiceConfig}): how its JGroups stack
 * binds and finds the other nodes, its ticket key and lifetime, its Kafka consumer group.
 */
public record BrokerSettings(String jgroupsBindAddress, int jgroupsPort, String jgroupsInitialHosts,
                             int jgroupsFailureDetectionOffset, Optional<Path> ticketKeyFile, int ticketTtlSeconds,
                             String consumerGroup) {

    public static final String JGROUPS_BIND_ADDRESS = "BERTH_JGROUPS_BIND_ADDRESS";
    public static final String JGROUPS_PORT = "BERTH_JGROUPS_PORT";
    public static final String JGROUPS_INITIAL_HOSTS = "BERTH_JGROUPS_INITIAL_HOSTS";
    public static final String JGROUPS_FD_OFFSET = "BERTH_JGROUPS_FD_OFFSET";
    public static final String TICKET_KEY_FILE = "BERTH_TICKET_KEY_FILE";
    public static final String TICKET_TTL = "BERTH_TICKET_TTL_SECONDS";
    public static final String CONSUMER_GROUP = "BERTH_BROKER_CONSUMER_GROUP";

    public BrokerSettings {
        if (!jgroupsInitialHosts.matches("[^,\\[\\]\\s]+\\[\\d+](,[^,\\[\\]\\s]+\\[\\d+])*")) {
            throw new ConfigException(JGROUPS_INITIAL_HOSTS + " must list host[port] pairs separated by commas, was '"
                    + jgroupsInitialHosts + "'");
        }
        if (jgroupsPort + jgroupsFailureDetectionOffset > 65535) {
            throw new ConfigException(JGROUPS_PORT + " + " + JGROUPS_FD_OFFSET + " must stay below 65536");
        }
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
                env.string(CONSUMER_GROUP, "berth-broker"));
    }
}
