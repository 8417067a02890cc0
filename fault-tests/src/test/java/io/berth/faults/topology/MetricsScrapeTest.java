package io.berth.faults.topology;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsScrapeTest {

    private static final String TEXT = """
            # HELP berth_broker_cluster_members Members
            # TYPE berth_broker_cluster_members gauge
            berth_broker_cluster_members 3.0
            berth_cache_entries{cache="berth-hosts"} 20.0
            berth_cache_entries{cache="berth-seats"} 17.0
            berth_cache_entries_total_something 4.0
            """;

    @Test
    void readsGaugesAndLabelledSamples() {
        MetricsScrape scrape = MetricsScrape.of(TEXT);

        assertThat(scrape.value("berth_broker_cluster_members")).contains(3.0);
        assertThat(scrape.value("berth_broker_placement_degraded")).isEmpty();
        assertThat(scrape.samples("berth_cache_entries")).isEqualTo(Map.of(
                "berth_cache_entries{cache=\"berth-hosts\"}", 20.0,
                "berth_cache_entries{cache=\"berth-seats\"}", 17.0));
    }

    @Test
    void anUnreachableServiceIsAnEmptyScrape() {
        assertThat(MetricsScrape.of("").isEmpty()).isTrue();
    }
}
