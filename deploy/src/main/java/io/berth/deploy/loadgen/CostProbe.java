package io.berth.deploy.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures what a phase costs the processes serving Berth's ports ({@link ConnectCost}): found once, before
 * the load, then read before and after the measured phase.
 */
final class CostProbe {

    private final List<ProcessesUnderTest.Served> processes;
    private final Map<String, Integer> servicePorts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long ticksPerSecond = ProcessesUnderTest.ticksPerSecond();

    private CostProbe(List<ProcessesUnderTest.Served> processes, Map<String, Integer> servicePorts) {
        this.processes = processes;
        this.servicePorts = servicePorts;
    }

    /** The processes behind the options' ports; empty where /proc cannot tell (not Linux). */
    static Optional<CostProbe> find(LoadGenOptions options) throws IOException {
        if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
            return Optional.empty();
        }
        Map<Integer, String> rolesByPort = new LinkedHashMap<>();
        rolesByPort.put(options.brokerPort(), "broker-service");
        rolesByPort.put(options.inventoryPort(), "inventory-service");
        rolesByPort.put(options.sessionPort(), "session-service");
        if (options.hosts().kafkaPort() > 0) {
            rolesByPort.put(options.hosts().kafkaPort(), "kafka");
        }
        List<ProcessesUnderTest.Served> processes = ProcessesUnderTest.find(rolesByPort);
        Map<String, Integer> servicePorts = new HashMap<>(rolesByPort.size());
        rolesByPort.forEach((port, role) -> {
            if (!role.equals("kafka") && processes.stream().anyMatch(process -> process.roles().contains(role))) {
                servicePorts.put(role, port);
            }
        });
        return processes.isEmpty() ? Optional.empty() : Optional.of(new CostProbe(processes, Map.copyOf(servicePorts)));
    }

    CostSnapshot snapshot() throws IOException, InterruptedException {
        return CostSnapshot.take(processes, servicePorts, http);
    }

    /** The cost from {@code before} to now, over {@code connects} successful connects. */
    ConnectCost since(CostSnapshot before, long connects) throws IOException, InterruptedException {
        return ConnectCost.between(before, snapshot(), connects, ticksPerSecond);
    }
}
