package io.berth.deploy.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of the processes under test at one moment: each one's CPU ticks; for each JVM that serves a
 * Berth service, its allocation and GC-pause counters; and, by service, what its Kafka clients did.
 */
record CostSnapshot(long atNanos, List<ProcessesUnderTest.Served> processes, Map<Long, Long> cpuTicks,
                    Map<Long, JvmCounters> jvms, Map<String, KafkaClientCounters> kafkaClients) {

    /**
     * Reads every process's counters now. {@code servicePorts} is the port of each service: its {@code /metrics}
     * counts its own Kafka clients, and the first of a process's services speaks for its JVM (a process that
     * only runs Kafka has none).
     */
    static CostSnapshot take(List<ProcessesUnderTest.Served> processes, Map<String, Integer> servicePorts,
                             HttpClient http) throws IOException, InterruptedException {
        long at = System.nanoTime();
        Map<Long, Long> ticks = new HashMap<>();
        for (ProcessesUnderTest.Served process : processes) {
            ticks.put(process.pid(), ProcessesUnderTest.cpuTicks(process.pid()));
        }
        Map<String, String> expositions = new HashMap<>();
        Map<String, KafkaClientCounters> kafkaClients = new HashMap<>();
        for (Map.Entry<String, Integer> service : servicePorts.entrySet()) {
            String exposition = PrometheusText.scrape(http, service.getValue());
            expositions.put(service.getKey(), exposition);
            kafkaClients.put(service.getKey(), KafkaClientCounters.parse(exposition));
        }
        Map<Long, JvmCounters> jvms = new HashMap<>();
        for (ProcessesUnderTest.Served process : processes) {
            process.roles().stream().filter(expositions::containsKey).findFirst().ifPresent(service ->
                    jvms.put(process.pid(), JvmCounters.parse(expositions.get(service))));
        }
        return new CostSnapshot(at, List.copyOf(processes), Map.copyOf(ticks), Map.copyOf(jvms), Map.copyOf(kafkaClients));
    }
}
