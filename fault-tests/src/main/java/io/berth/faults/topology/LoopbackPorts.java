package io.berth.faults.topology;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The topology's addresses and free ports on this machine: broker node N binds 127.0.0.N. Every port is chosen
 * below the ephemeral range (Linux's default starts at 32768), so no outgoing connection (Kafka's, HTTP's) of a
 * process already running can take it between its choice and the bind of the process it is for (a session
 * service once failed to start with "Address already in use" that way), nor be caught by a partition's firewall
 * rules. HTTP and Kafka ports come from 11000-20999, JGroups ports from 21000-29099; a port handed out is not
 * handed out again by this JVM.
 */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    static String address(int brokerNumber) {
        return "127.0.0." + brokerNumber;
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    static int freePort(String host) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 11_000 + ThreadLocalRandom.current().nextInt(10_000);
            if (bindable(host, port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between 11000 and 20999 on " + host);
    }

    /** A JGroups port free on 127.0.0.1 to 127.0.0.{@code brokers}, with its failure-detection port {@code + fdOffset}. */
    static int freeJGroupsPort(int brokers, int fdOffset) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 21_000 + ThreadLocalRandom.current().nextInt(8_000);
            if (IntStream.rangeClosed(1, brokers).allMatch(i -> bindable(address(i), port)
                    && bindable(address(i), port + fdOffset)) && HANDED_OUT.add(port)) {
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
