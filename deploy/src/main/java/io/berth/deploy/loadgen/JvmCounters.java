package io.berth.deploy.loadgen;

import java.util.Map;
import java.util.TreeMap;

/**
 * A JVM's own allocation and GC-pause counters as one of its services publishes them on {@code /metrics}
 * (Micrometer's {@code jvm.gc.memory.allocated} and the {@code jvm.gc.pause} histogram), with the bytes its
 * young generation holds ({@code jvm.memory.used} of the eden pool). Every service of one JVM reports the same
 * JVM, so one service's counters stand for its process.
 *
 * <p>Micrometer adds to {@code jvm.gc.memory.allocated} only at a collection, and then by what the young
 * generation gained since the previous one, so on its own it misses everything allocated since the last
 * collection: a phase without a GC would read 0. Hence {@link #allocatedSince} adds the eden's growth.
 */
record JvmCounters(double allocatedBytes, double youngUsedBytes, long pauses, double pauseSeconds,
                   Map<Double, Long> pauseBuckets) {

    private static final String ALLOCATED = "jvm_gc_memory_allocated_bytes_total";
    private static final String MEMORY_USED = "jvm_memory_used_bytes";
    private static final String PAUSE = "jvm_gc_pause_seconds";

    JvmCounters {
        pauseBuckets = Map.copyOf(pauseBuckets);
    }

    /**
     * The bytes this JVM allocated after {@code earlier} was read, up to this reading. A collection empties
     * the eden (G1, Parallel, Serial; OpenJ9's gencon nursery), so at each one the counter grows by what the
     * eden held just before it; what was allocated since is the counter's growth, less what the eden already
     * held at the earlier reading, plus what it holds now. Exact while each reading sees the counter and the
     * eden on the same side of a collection; a collection between the two reads of one scrape skews it by up
     * to one eden.
     */
    double allocatedSince(JvmCounters earlier) {
        return allocatedBytes - earlier.allocatedBytes + youngUsedBytes - earlier.youngUsedBytes;
    }

    /** The counters in a Prometheus text exposition, summed over GC names, causes and actions (and eden pools). */
    static JvmCounters parse(String exposition) {
        // allocated, young generation used, pauses, pause seconds
        double[] sums = new double[4];
        Map<Double, Long> buckets = new TreeMap<>();
        PrometheusText.forEachSample(exposition, (name, series, value) -> {
            switch (name) {
                case ALLOCATED -> sums[0] += value;
                case MEMORY_USED -> sums[1] += isYoungGenPool(PrometheusText.label(series, "id")) ? value : 0;
                case PAUSE + "_count" -> sums[2] += value;
                case PAUSE + "_sum" -> sums[3] += value;
                case PAUSE + "_bucket" -> buckets.merge(bound(series), (long) value, Long::sum);
                default -> {
                    // not a counter the cost is made of
                }
            }
        });
        return new JvmCounters(sums[0], sums[1], (long) sums[2], sums[3], buckets);
    }

    /**
     * Micrometer's rule for the pool its allocation counter follows, narrowed to the edens a collection
     * empties (HotSpot's generational collectors, OpenJ9's gencon nursery). Around the other pools it names,
     * such as ZGC's and Shenandoah's heaps, the collection leaves data behind and {@link #allocatedSince}'s
     * correction would not hold, so they count as no young generation and the counter stands alone.
     */
    private static boolean isYoungGenPool(String pool) {
        return pool != null && (pool.endsWith("Eden Space") || pool.endsWith("nursery-allocate"));
    }

    private static double bound(String series) {
        String le = PrometheusText.label(series, "le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
