package io.berth.broker;

import io.berth.common.config.ClusterConfig;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.RunningService;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.common.testing.ServiceUnderTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Broker nodes for integration tests: each its own service (Vert.x, cache manager, Kafka clients) on its own
 * JGroups port, all in one JVM and one Infinispan cluster, sharing the test's data directory (ticket key).
 */
final class BrokerNodes implements AutoCloseable {

    /** A cluster of nodes started one after the other needs longer than one service to be ready. */
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);

    private final KafkaClusterExtension kafka;
    private final String clusterName = "berth-it-" + UUID.randomUUID();
    private final int[] jgroupsPorts;
    private final RunningService[] nodes;
    private final Vertx clientVertx = Vertx.vertx();
    private final WebClient web = WebClient.create(clientVertx, new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));

    BrokerNodes(KafkaClusterExtension kafka, int count) {
        this.kafka = kafka;
        this.jgroupsPorts = freePorts(count);
        this.nodes = new RunningService[count];
    }

    Map<String, String> env(int node) {
        String initialHosts = java.util.Arrays.stream(jgroupsPorts).mapToObj(p -> "127.0.0.1[" + p + "]")
                .collect(Collectors.joining(","));
        Map<String, String> env = new HashMap<>();
        env.put(ClusterConfig.NAME, clusterName);
        env.put(ClusterConfig.NODE, "broker-" + node);
        env.put(BrokerSettings.JGROUPS_PORT, String.valueOf(jgroupsPorts[node]));
        env.put(BrokerSettings.JGROUPS_INITIAL_HOSTS, initialHosts);
        return env;
    }

    RunningService start(int node) throws Exception {
        Map<String, String> env = env(node);
        ServiceConfig config = kafka.serviceConfig(ServiceName.BROKER, env);
        nodes[node] = ServiceUnderTest.startUnready(config, BrokerVerticle.factory(Env.of(env)));
        return nodes[node];
    }

    void startAll() throws Exception {
        // Started one after the other: each joins the cluster the first one formed.
        for (int i = 0; i < nodes.length; i++) {
            start(i);
        }
        awaitReady();
    }

    /** Waits until every running node is ready: started one after the other, they become ready together. */
    void awaitReady() {
        for (int node : runningNodes()) {
            ServiceUnderTest.awaitReady(port(node), READY_DEADLINE);
        }
    }

    void stop(int node) throws Exception {
        if (nodes[node] != null) {
            ServiceUnderTest.stop(nodes[node]);
            nodes[node] = null;
        }
    }

    boolean isRunning(int node) {
        return nodes[node] != null;
    }

    int size() {
        return nodes.length;
    }

    int port(int node) {
        return nodes[node].httpPort();
    }

    RunningService node(int node) {
        return nodes[node];
    }

    WebClient web() {
        return web;
    }

    Vertx clientVertx() {
        return clientVertx;
    }

    List<Integer> runningNodes() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                running.add(i);
            }
        }
        return running;
    }

    @Override
    public void close() throws Exception {
        for (int i = nodes.length - 1; i >= 0; i--) {
            stop(i);
        }
        clientVertx.close().await(30, TimeUnit.SECONDS);
    }

    /** Free TCP ports for JGroups, each with its failure-detection port (+100) free as well. */
    static int[] freePorts(int count) {
        int[] ports = new int[count];
        int found = 0;
        while (found < count) {
            // Below Linux's ephemeral range (32768-60999): a port from it can be taken by any outgoing connection
            // (a Kafka client's, say) between this check and JGroups' bind, which failed a CI run once.
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (isFree(candidate) && isFree(candidate + 100)) {
                boolean clash = false;
                for (int i = 0; i < found; i++) {
                    clash |= Math.abs(ports[i] - candidate) <= 100 || ports[i] == candidate + 100;
                }
                if (!clash) {
                    ports[found++] = candidate;
                }
            }
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
