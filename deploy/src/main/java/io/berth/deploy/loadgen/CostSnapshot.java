package io.berth.deploy.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of the processes under test at one moment: each one's CPU ticks, and for each JVM that serves
 * a Berth service, its allocation and GC-pause counters.
 */
record CostSnapshot(long atNanos, List<ProcessesUnderTest.Served> processes, Map<Long, Long> cpuTicks,
                    Map<Long, JvmCounters> jvms) {

    /**
     * Reads every process's counters now. {@code metricsPorts} is, per process, the port of a service whose
     * {@code /metrics} speaks for its JVM (none for a process that only runs Kafka).
     */
    static CostSnapshot take(List<ProcessesUnderTest.Served> processes, Map<Long, Integer> metricsPorts, HttpClient http)
            throws IOException, InterruptedException {
        long at = System.nanoTime();
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, JvmCounters> jvms = new HashMap<>();
        for (ProcessesUnderTest.Served process : processes) {
            ticks.put(process.pid(), ProcessesUnderTest.cpuTicks(process.pid()));
            Integer port = metricsPorts.get(process.pid());
            if (port != null) {
                jvms.put(process.pid(), JvmCounters.scrape(http, port));
            }
        }
        return new CostSnapshot(at, List.copyOf(processes), Map.copyOf(ticks), Map.copyOf(jvms));
    }
}
