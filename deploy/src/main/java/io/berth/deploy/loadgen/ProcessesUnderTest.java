package io.berth.deploy.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The processes that serve Berth's ports on this machine — the launcher's one JVM, or Kafka and each service
 * apart — found by the sockets they listen on, and the CPU time each has used, both read from Linux's /proc.
 * What the load generator charges a connect for is what these processes spend, whatever the topology.
 */
final class ProcessesUnderTest {

    /** One process and what it serves ("kafka", "broker-service", ...), in port order. */
    record Served(long pid, List<String> roles) {
    }

    private static final Path PROC = Path.of("/proc");

    private ProcessesUnderTest() {
    }

    /** The processes listening on the given ports (port to role); a port nobody listens on is left out. */
    static List<Served> find(Map<Integer, String> rolesByPort) throws IOException {
        Map<Long, Integer> portsByInode = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path file = PROC.resolve(table);
            if (Files.isReadable(file)) {
                portsByInode.putAll(listeningPorts(Files.readAllLines(file), rolesByPort.keySet()));
            }
        }
        Map<Long, List<String>> rolesByPid = new TreeMap<>();
        try (Stream<Path> processes = Files.list(PROC)) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(process.getFileName().toString());
                for (long inode : socketInodes(process)) {
                    Integer port = portsByInode.get(inode);
                    if (port != null) {
                        List<String> roles = rolesByPid.computeIfAbsent(pid, p -> new ArrayList<>());
                        if (!roles.contains(rolesByPort.get(port))) {
                            roles.add(rolesByPort.get(port));
                        }
                    }
                }
            }
        }
        List<Served> served = new ArrayList<>();
        rolesByPid.forEach((pid, roles) -> served.add(new Served(pid, List.copyOf(roles))));
        return served;
    }

    /** Inode to port of the sockets in LISTEN state on one of {@code ports}, from a /proc/net/tcp table. */
    static Map<Long, Integer> listeningPorts(List<String> table, Set<Integer> ports) {
        Map<Long, Integer> found = new HashMap<>();
        for (String line : table.subList(Math.min(1, table.size()), table.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !fields[3].equals("0A")) {
                continue;
            }
            int port = Integer.parseInt(fields[1].substring(fields[1].lastIndexOf(':') + 1), 16);
            if (ports.contains(port)) {
                found.put(Long.parseLong(fields[9]), port);
            }
        }
        return found;
    }

    /** The CPU time (user + system, in clock ticks) a process has used, from its /proc/PID/stat; -1 if it is gone. */
    static long cpuTicks(long pid) {
        try {
            return cpuTicksOf(Files.readString(PROC.resolve(pid + "/stat")));
        } catch (IOException gone) {
            return -1;
        }
    }

    /** utime + stime of a /proc/PID/stat line (fields 14 and 15; the command name in field 2 may hold spaces). */
    static long cpuTicksOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Clock ticks per second of /proc's CPU times ({@code getconf CLK_TCK}; 100 on every common Linux). */
    static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static List<Long> socketInodes(Path process) {
        List<Long> inodes = new ArrayList<>();
        try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked: not a listening socket of interest
                }
            }
        } catch (IOException | SecurityException notOurs) {
            // another user's process, or one that exited: it serves none of our ports
        }
        return inodes;
    }
}
