package io.berth.faults.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One scrape of a service's {@code /metrics} (Prometheus text format), read for the few samples the suite
 * checks: gauges such as {@code berth_broker_cluster_members} and {@code berth_cache_entries{cache=...}}.
 */
public final class MetricsScrape {

    /** Sample name with its label set as written (e.g. {@code berth_cache_entries{cache="berth-hosts"}}) → value. */
    private final Map<String, Double> samples;

    private MetricsScrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static MetricsScrape of(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int split = line.lastIndexOf(' ');
            if (split <= 0) {
                continue;
            }
            try {
                samples.put(line.substring(0, split).trim(), Double.parseDouble(line.substring(split + 1).trim()));
            } catch (NumberFormatException e) {
                // Not a sample line (a timestamped sample would have two numbers; Micrometer writes none).
            }
        }
        return new MetricsScrape(samples);
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The value of the first sample of {@code name}, whatever its labels. */
    public Optional<Double> value(String name) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Every sample of {@code name}, keyed by its label set as written. */
    public Map<String, Double> samples(String name) {
        Map<String, Double> matching = new LinkedHashMap<>();
        samples.forEach((key, value) -> {
            if (key.equals(name) || key.startsWith(name + "{")) {
                matching.put(key, value);
            }
        });
        return matching;
    }
}
