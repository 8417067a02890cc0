package io.berth.deploy.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JVM's own allocation and GC-pause counters as one of its services publishes them on {@code /metrics}
 * (Micrometer's {@code jvm.gc.memory.allocated} and the {@code jvm.gc.pause} histogram). Every service of
 * one JVM reports the same JVM, so one service's counters stand for its process.
 */
record JvmCounters(double allocatedBytes, long pauses, double pauseSeconds, Map<Double, Long> pauseBuckets) {

    private static final String ALLOCATED = "jvm_gc_memory_allocated_bytes_total";
    private static final String PAUSE = "jvm_gc_pause_seconds";

    JvmCounters {
        pauseBuckets = Map.copyOf(pauseBuckets);
    }

    /** Reads the counters of the JVM serving {@code port} on 127.0.0.1. */
    static JvmCounters scrape(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
            throw new IOException("GET /metrics on port " + port + " answered " + metrics.statusCode());
        }
        return parse(metrics.body());
    }

    /** The counters in a Prometheus text exposition, summed over GC names, causes and actions. */
    static JvmCounters parse(String exposition) {
        double allocated = 0;
        long pauses = 0;
        double pauseSeconds = 0;
        Map<Double, Long> buckets = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int valueAt = line.lastIndexOf(' ');
            double value = Double.parseDouble(line.substring(valueAt + 1));
            String series = line.substring(0, valueAt);
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            switch (name) {
                case ALLOCATED -> allocated += value;
                case PAUSE + "_count" -> pauses += (long) value;
                case PAUSE + "_sum" -> pauseSeconds += value;
                case PAUSE + "_bucket" -> buckets.merge(bound(series), (long) value, Long::sum);
                default -> {
                    // not a counter the cost is made of
                }
            }
        }
        return new JvmCounters(allocated, pauses, pauseSeconds, buckets);
    }

    private static double bound(String series) {
        int at = series.indexOf("le=\"") + 4;
        String le = series.substring(at, series.indexOf('"', at));
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
