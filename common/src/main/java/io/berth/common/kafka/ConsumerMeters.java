package io.berth.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters every consumer has, tagged {@code reader}: {@code berth_consumer_lag} (records behind the ends
 * of its partitions), {@code berth_consumer_handler_failures_total} (failed handlings, retried or skipped),
 * {@code berth_consumer_batches_skipped_total} and {@code berth_consumer_malformed_records_total}.
 */
final class ConsumerMeters {

    private final Map<TopicPartition, Long> lagByPartition = new ConcurrentHashMap<>();
    final Counter handlerFailures;
    final Counter skipped;
    final Counter malformed;

    ConsumerMeters(String reader, MeterRegistry registry) {
        Gauge.builder("berth_consumer_lag", lagByPartition, lags -> lags.values().stream().mapToLong(Long::longValue).sum())
                .description("Records behind the end of the topics this reader consumes")
                .tag("reader", reader)
                .register(registry);
        handlerFailures = Counter.builder("berth_consumer_handler_failures_total")
                .description("Batches whose handler failed (retried or skipped, as the reader's policy says)")
                .tag("reader", reader)
                .register(registry);
        skipped = Counter.builder("berth_consumer_batches_skipped_total")
                .description("Batches whose handler failed and that were skipped (policy SKIP_AND_COUNT)")
                .tag("reader", reader)
                .register(registry);
        malformed = Counter.builder("berth_consumer_malformed_records_total")
                .description("Records that are not valid events; skipped")
                .tag("reader", reader)
                .register(registry);
    }

    void lag(TopicPartition partition, long lag) {
        lagByPartition.put(partition, lag);
    }

    void keepLagOf(Set<TopicPartition> assigned) {
        lagByPartition.keySet().retainAll(assigned);
    }

    void forget(TopicPartition partition) {
        lagByPartition.remove(partition);
    }

    void forgetAll() {
        lagByPartition.clear();
    }

    long lag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }
}
