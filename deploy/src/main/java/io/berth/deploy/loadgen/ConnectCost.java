package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a connect cost the system under test during one phase (issue 15's primary figures): CPU time of every
 * process serving Berth's ports, bytes its JVMs allocated, and their GC pauses, per successful connect — the
 * agents' heartbeats and session reports the load brings about included, as in production. With them, by service,
 * what its Kafka clients did per connect (produce requests, records written, fetches): where the cost goes in
 * Kafka.
 */
record ConnectCost(long connects, double seconds, double cpuMicrosPerConnect, double coresUsed,
                   Double allocatedBytesPerConnect, List<String> allocationUncounted, long gcPauses,
                   Double gcPauseP99Ms, Double gcPauseMaxMs, List<ProcessCost> processes,
                   Map<String, KafkaClientCounters> kafkaPerConnect) {

    /** The targets issue 15 sets at 2,000 connects/s. */
    static final double CPU_TARGET_MICROS = 200;
    static final double ALLOCATION_TARGET_BYTES = 40 * 1024;

    /** One process's share; {@code allocatedBytesPerConnect} null when its JVM publishes no counters (Kafka alone). */
    record ProcessCost(long pid, List<String> roles, double cpuMicrosPerConnect, Double allocatedBytesPerConnect) {
    }

    /** The cost between two snapshots of the same processes, over {@code connects} successful connects. */
    static ConnectCost between(CostSnapshot before, CostSnapshot after, long connects, long ticksPerSecond) {
        double seconds = (after.atNanos() - before.atNanos()) / 1e9;
        long perConnect = Math.max(1, connects);
        double cpuMicros = 0;
        double allocated = 0;
        boolean anyAllocation = false;
        List<String> uncounted = new ArrayList<>();
        List<ProcessCost> processes = new ArrayList<>();
        Map<Double, Long> pauseBuckets = new TreeMap<>();
        long pauses = 0;
        for (ProcessesUnderTest.Served process : after.processes()) {
            long ticks = after.cpuTicks().getOrDefault(process.pid(), 0L) - before.cpuTicks().getOrDefault(process.pid(), 0L);
            double micros = ticks * 1e6 / ticksPerSecond;
            cpuMicros += micros;
            JvmCounters from = before.jvms().get(process.pid());
            JvmCounters to = after.jvms().get(process.pid());
            Double bytesPerConnect = null;
            if (from != null && to != null) {
                double bytes = to.allocatedSince(from);
                allocated += bytes;
                anyAllocation = true;
                bytesPerConnect = bytes / perConnect;
                pauses += to.pauses() - from.pauses();
                to.pauseBuckets().forEach((bound, count) ->
                        pauseBuckets.merge(bound, count - from.pauseBuckets().getOrDefault(bound, 0L), Long::sum));
            } else {
                uncounted.addAll(process.roles());
            }
            processes.add(new ProcessCost(process.pid(), process.roles(), micros / perConnect, bytesPerConnect));
        }
        Map<String, KafkaClientCounters> kafka = new TreeMap<>();
        after.kafkaClients().forEach((service, counters) -> kafka.put(service, counters.perConnectSince(
                before.kafkaClients().getOrDefault(service, KafkaClientCounters.NONE), connects)));
        return new ConnectCost(connects, seconds, cpuMicros / perConnect, seconds <= 0 ? 0 : cpuMicros / 1e6 / seconds,
                anyAllocation ? allocated / perConnect : null, List.copyOf(uncounted), pauses,
                pauseBound(pauseBuckets, 0.99), pauseBound(pauseBuckets, 1.0), List.copyOf(processes),
                Collections.unmodifiableMap(kafka));
    }

    /**
     * The upper bound (ms) of the histogram bucket holding the given share of the pauses; null without a
     * histogram, 0 without pauses. Bucket bounds, not exact values: a p99 of "≤ 20 ms".
     */
    static Double pauseBound(Map<Double, Long> cumulativeBuckets, double share) {
        if (cumulativeBuckets.isEmpty()) {
            return null;
        }
        long total = cumulativeBuckets.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (total == 0) {
            return 0.0;
        }
        long wanted = (long) Math.ceil(share * total);
        for (Map.Entry<Double, Long> bucket : new TreeMap<>(cumulativeBuckets).entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    JsonObject toJson() {
        JsonArray perProcess = new JsonArray();
        processes.forEach(process -> perProcess.add(new JsonObject().put("pid", process.pid())
                .put("roles", new JsonArray(process.roles())).put("cpuMicrosPerConnect", round(process.cpuMicrosPerConnect()))
                .put("allocatedBytesPerConnect", process.allocatedBytesPerConnect() == null ? null
                        : Math.round(process.allocatedBytesPerConnect()))));
        return new JsonObject().put("connects", connects).put("seconds", round(seconds))
                .put("cpuMicrosPerConnect", round(cpuMicrosPerConnect)).put("coresUsed", round(coresUsed))
                .put("allocatedBytesPerConnect", allocatedBytesPerConnect == null ? null : Math.round(allocatedBytesPerConnect))
                .put("allocationUncounted", new JsonArray(allocationUncounted))
                .put("gcPauses", gcPauses).put("gcPauseP99Ms", gcPauseP99Ms).put("gcPauseMaxMs", gcPauseMaxMs)
                .put("targets", new JsonObject().put("cpuMicrosPerConnect", CPU_TARGET_MICROS)
                        .put("allocatedBytesPerConnect", ALLOCATION_TARGET_BYTES))
                .put("processes", perProcess)
                .put("kafkaClientsPerConnect", kafkaJson());
    }

    /** The total of every service's Kafka clients per connect. */
    KafkaClientCounters kafkaTotal() {
        return kafkaPerConnect.values().stream().reduce(KafkaClientCounters.NONE, KafkaClientCounters::plus);
    }

    private JsonObject kafkaJson() {
        JsonObject json = new JsonObject();
        kafkaPerConnect.forEach((service, counters) -> json.put(service, counters.toJson()));
        return json.put("total", kafkaTotal().toJson());
    }

    String text() {
        StringBuilder perProcess = new StringBuilder();
        for (ProcessCost process : processes) {
            perProcess.append(String.format(Locale.ROOT, "%n                 pid %d %s: %.0f µs%s", process.pid(),
                    process.roles(), process.cpuMicrosPerConnect(), process.allocatedBytesPerConnect() == null ? ""
                            : String.format(Locale.ROOT, ", %.1f KB", process.allocatedBytesPerConnect() / 1024)));
        }
        StringBuilder kafka = new StringBuilder();
        if (!kafkaPerConnect.isEmpty()) {
            kafka.append(String.format(Locale.ROOT, "%n  kafka        %s per connect, the services' clients",
                    kafkaText(kafkaTotal())));
            kafkaPerConnect.forEach((service, counters) -> kafka.append(String.format(Locale.ROOT,
                    "%n                 %s: %s", service, kafkaText(counters))));
        }
        return String.format(Locale.ROOT, """
                  cost         %.0f µs CPU and %s allocated per connect (targets %.0f µs, %.0f KB), %.2f cores busy;\
                 GC pauses %d, p99 %s, max %s%s%s
                """, cpuMicrosPerConnect, allocatedBytesPerConnect == null ? "n/a"
                        : String.format(Locale.ROOT, "%.1f KB", allocatedBytesPerConnect / 1024),
                CPU_TARGET_MICROS, ALLOCATION_TARGET_BYTES / 1024, coresUsed, gcPauses, millis(gcPauseP99Ms),
                millis(gcPauseMaxMs), perProcess, kafka);
    }

    private static String kafkaText(KafkaClientCounters counters) {
        return String.format(Locale.ROOT, "%.2f produce requests, %.2f records written, %.2f fetches",
                counters.produceRequests(), counters.recordsWritten(), counters.fetches());
    }

    private static String millis(Double bound) {
        return bound == null ? "n/a" : String.format(Locale.ROOT, "<= %.0f ms", bound);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
