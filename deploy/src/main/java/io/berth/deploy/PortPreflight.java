package io.berth.deploy;

import io.berth.common.config.Env;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.ServiceName;
import io.berth.deploy.kafka.EmbeddedKafkaServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Set;

/**
 * Fails at once, naming the port and its variable, when a port the stack is about to bind is taken (most
 * often by a launcher that is already running), instead of half-starting.
 */
final class PortPreflight {

    private PortPreflight() {
    }

    static void requirePortsFree(Env env, Set<ServiceName> services, boolean embeddedKafka) {
        if (embeddedKafka) {
            EmbeddedKafkaServer.Settings kafka = EmbeddedKafkaServer.Settings.from(env, Path.of("."));
            requireFree("127.0.0.1", kafka.port(), "Kafka", EmbeddedKafkaServer.PORT_ENV);
            requireFree("127.0.0.1", kafka.controllerPort(), "Kafka's controller", EmbeddedKafkaServer.CONTROLLER_PORT_ENV);
        }
        for (ServiceName service : services) {
            HttpConfig http = HttpConfig.load(env, service, false);
            requireFree(http.host(), http.port(), service.id(), service.envPrefix() + "_HTTP_PORT");
        }
    }

    private static void requireFree(String host, int port, String what, String variable) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new LaunchException("port " + port + " for " + what + " is already in use (is Berth already"
                    + " running?); stop what uses it or set " + variable, e);
        }
    }
}
