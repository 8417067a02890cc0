package io.berth.broker;

import io.berth.broker.domain.ConnectFlow;
import io.berth.broker.domain.ConnectOutcome;
import io.berth.broker.domain.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The broker's connect metrics: requests by outcome, latency with percentiles (and a histogram for
 * aggregation across nodes), reservation conflicts that sent a connect to its next candidate.
 */
final class ConnectMetrics implements ConnectFlow.Observer {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectMetrics.class);
    private static final String[] OUTCOMES = {"placed", "reconnect", "no_capacity", "forbidden", "starting",
            "not_found", "error"};

    private final MeterRegistry registry;
    /** Counters by {@code outcome/reason}, created on first use (a registry lookup per request costs more). */
    private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Counter conflicts;
    final Counter reservationsReleased;
    final Counter malformedRecords;
    final Counter feedChangesComputed;
    final Counter feedChangesUnchanged;

    ConnectMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : OUTCOMES) {
            counter(outcome, "none");
        }
        for (Refusal refusal : Refusal.values()) {
            counter("no_capacity", refusal.tag());
            counter("error", refusal.tag());
        }
        latency = Timer.builder("berth_connect_latency")
                .description("Time to answer a connect request")
                .publishPercentiles(0.5, 0.9, 0.99, 0.999)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        conflicts = Counter.builder("berth_reservation_conflicts_total")
                .description("Reservations refused because another connect took the host's last slot first;"
                        + " the connect tried its next candidate")
                .register(registry);
        reservationsReleased = Counter.builder("berth_reservations_expired_total")
                .description("Reservations released because they never appeared on berth.sessions")
                .register(registry);
        malformedRecords = Counter.builder("berth_feed_malformed_records_total")
                .description("Records on the broker's topics that were not valid events and were skipped")
                .register(registry);
        feedChangesComputed = feedChanges(registry, "computed");
        feedChangesUnchanged = feedChanges(registry, "unchanged");
    }

    private static Counter feedChanges(MeterRegistry registry, String result) {
        return Counter.builder("berth_feed_changes_total")
                .description("Host and seat changes of the broker's feed: computed on the caches, or skipped"
                        + " because they would have changed nothing")
                .tag("result", result)
                .register(registry);
    }

    private Counter counter(String outcome, String reason) {
        return byOutcome.computeIfAbsent(outcome + "/" + reason, key -> Counter.builder("berth_connect_requests_total")
                .description("Connect requests by outcome, and for a 503 the reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry));
    }

    void answered(ConnectOutcome outcome, long startedNanos) {
        counter(outcome.metricLabel(), outcome.reasonLabel()).increment();
        latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void failedRequest(long startedNanos, String reason) {
        counter("error", reason).increment();
        latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void reservationConflict(String hostId) {
        conflicts.increment();
    }

    @Override
    public void failure(String what, Throwable cause) {
        LOG.warn("Connect step failed: {}: {}", what, cause.toString());
    }
}
