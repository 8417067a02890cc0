package io.berth.common.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;

/**
 * How broker nodes find each other: the Infinispan/JGroups cluster name, an optional JGroups stack file
 * (default: TCP + TCPPING on loopback), and this node's name (used as {@code brokerNode} on allocations).
 */
public record ClusterConfig(String clusterName, Optional<String> jgroupsConfig, String nodeName) {

    public static final String NAME = "BERTH_CLUSTER_NAME";
    public static final String JGROUPS = "BERTH_JGROUPS_CONFIG";
    public static final String NODE = "BERTH_NODE_NAME";

    public static ClusterConfig load(Env env) {
        return new ClusterConfig(
                env.string(NAME, "berth"),
                env.get(JGROUPS),
                env.string(NODE, defaultNodeName()));
    }

    private static String defaultNodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
