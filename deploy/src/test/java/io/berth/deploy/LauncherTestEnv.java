package io.berth.deploy;

import io.berth.common.config.Env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;

/**
 * Settings that keep a test's launcher clear of one running on the default ports: ephemeral HTTP and
 * Kafka ports, a free JGroups port and a cluster name of its own.
 */
public final class LauncherTestEnv {

    private LauncherTestEnv() {
    }

    public static Map<String, String> variables() {
        return Map.of(
                "BERTH_KAFKA_PORT", "0",
                "BERTH_BROKER_HTTP_PORT", "0",
                "BERTH_INVENTORY_HTTP_PORT", "0",
                "BERTH_SESSION_HTTP_PORT", "0",
                "BERTH_HTTP_HOST", "127.0.0.1",
                "BERTH_JGROUPS_PORT", String.valueOf(freePort()),
                "BERTH_CLUSTER_NAME", "berth-launcher-test-" + UUID.randomUUID());
    }

    public static Env env() {
        return Env.of(variables());
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
