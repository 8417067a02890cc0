package io.berth.faults.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The topology's addresses and free ports on this machine: broker node N binds 127.0.0.N, and its JGroups
 * port is chosen below the ephemeral range, so no outgoing connection (Kafka's, HTTP's) can take it or be
 * caught by a partition's firewall rules.
 */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    static String address(int brokerNumber) {
        return "127.0.0." + brokerNumber;
    }

    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** A JGroups port free on 127.0.0.1 to 127.0.0.{@code brokers}, with its failure-detection port {@code + fdOffset}. */
    static int freeJGroupsPort(int brokers, int fdOffset) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 21_000 + ThreadLocalRandom.current().nextInt(8_000);
            if (IntStream.rangeClosed(1, brokers).allMatch(i -> bindable(address(i), port)
                    && bindable(address(i), port + fdOffset))) {
                return port;
            }
        }
        throw new IllegalStateException("no free JGroups port between 21000 and 29100 on 127.0.0.1-" + brokers);
    }

    private static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
