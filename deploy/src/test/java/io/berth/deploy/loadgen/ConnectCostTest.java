package io.berth.deploy.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConnectCostTest {

    private static final String EXPOSITION = """
            # HELP jvm_gc_memory_allocated_bytes_total Incremented for an increase in the size of the young generation
            # TYPE jvm_gc_memory_allocated_bytes_total counter
            jvm_gc_memory_allocated_bytes_total{service="broker-service"} 1.5E9
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",service="broker-service",le="0.005"} 10.0
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",service="broker-service",le="0.02"} 18.0
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",service="broker-service",le="+Inf"} 20.0
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",service="broker-service",le="0.005"} 1.0
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",service="broker-service",le="0.02"} 1.0
            jvm_gc_pause_seconds_bucket{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",service="broker-service",le="+Inf"} 1.0
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",service="broker-service"} 20.0
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",service="broker-service"} 1.0
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",service="broker-service"} 0.25
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space",service="broker-service"} 2.5E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen",service="broker-service"} 1.2E8
            jvm_memory_used_bytes{area="heap",id="G1 Survivor Space",service="broker-service"} 4194304.0
            jvm_memory_used_bytes{area="nonheap",id="CodeHeap 'non-nmethods'",service="broker-service"} 1224960.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace",service="broker-service"} 1.2947432E7
            jvm_memory_committed_bytes{area="heap",id="G1 Eden Space",service="broker-service"} 2.68435456E8
            http_server_requests_total{service="broker-service"} 99.0
            """;

    @Test
    void aJvmsCountersAreSummedOverCollectorsAndCauses() {
        JvmCounters counters = JvmCounters.parse(EXPOSITION);

        assertThat(counters.allocatedBytes()).isEqualTo(1.5e9);
        assertThat(counters.youngUsedBytes()).isEqualTo(2.5e7);
        assertThat(counters.pauses()).isEqualTo(21);
        assertThat(counters.pauseSeconds()).isEqualTo(0.25);
        assertThat(counters.pauseBuckets()).containsEntry(0.005, 11L).containsEntry(0.02, 19L)
                .containsEntry(Double.POSITIVE_INFINITY, 21L);
    }

    @Test
    void aConnectIsChargedTheCpuOfEveryProcessAndTheAllocationOfEveryJvmThatCountsIt() {
        // given a launcher JVM (services and Kafka) and, apart, a second Kafka process without counters
        ProcessesUnderTest.Served launcher = new ProcessesUnderTest.Served(10, List.of("broker-service", "kafka"));
        ProcessesUnderTest.Served kafka = new ProcessesUnderTest.Served(20, List.of("kafka"));
        CostSnapshot before = new CostSnapshot(0, List.of(launcher, kafka), Map.of(10L, 1_000L, 20L, 500L),
                Map.of(10L, new JvmCounters(1e9, 0, 5, 0.05, Map.of(0.005, 4L, 0.02, 5L, Double.POSITIVE_INFINITY, 5L))),
                Map.of());
        CostSnapshot after = new CostSnapshot(10_000_000_000L, List.of(launcher, kafka), Map.of(10L, 1_600L, 20L, 700L),
                Map.of(10L, new JvmCounters(1e9 + 400_000_000, 0, 105, 1.05,
                        Map.of(0.005, 54L, 0.02, 104L, Double.POSITIVE_INFINITY, 105L))),
                Map.of());

        // when 20,000 connects succeeded in those 10 s (100 ticks a second)
        ConnectCost cost = ConnectCost.between(before, after, 20_000, 100);

        // then 8 CPU-seconds over 20,000 connects, 400 MB over 20,000, pauses from the histogram's deltas
        assertThat(cost.cpuMicrosPerConnect()).isCloseTo(400, within(0.001));
        assertThat(cost.coresUsed()).isCloseTo(0.8, within(0.001));
        assertThat(cost.allocatedBytesPerConnect()).isCloseTo(20_000, within(0.001));
        assertThat(cost.allocationUncounted()).containsExactly("kafka");
        assertThat(cost.gcPauses()).isEqualTo(100);
        assertThat(cost.gcPauseP99Ms()).isEqualTo(20.0);
        assertThat(cost.gcPauseMaxMs()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(cost.processes()).extracting(ConnectCost.ProcessCost::cpuMicrosPerConnect)
                .containsExactly(300.0, 100.0);
        assertThat(cost.toJson().getDouble("cpuMicrosPerConnect")).isEqualTo(400.0);
    }

    @Test
    void withoutACollectionBetweenTheSnapshotsTheAllocationIsWhatTheEdenGained() {
        // given a JVM whose counter did not move, as no collection ran, while its eden grew from 25 MB to 65 MB
        JvmCounters before = JvmCounters.parse(exposition(1.5e9, 25_000_000));
        JvmCounters after = JvmCounters.parse(exposition(1.5e9, 65_000_000));

        // when 1,000 connects succeeded in between
        ConnectCost cost = ConnectCost.between(snapshot(0, before), snapshot(3_000_000_000L, after), 1_000, 100);

        // then the 40 MB the eden gained were allocated: 40,000 bytes a connect, not the counter's 0
        assertThat(after.allocatedSince(before)).isEqualTo(40_000_000);
        assertThat(cost.allocatedBytesPerConnect()).isCloseTo(40_000, within(0.001));
        assertThat(cost.processes()).extracting(ConnectCost.ProcessCost::allocatedBytesPerConnect)
                .containsExactly(40_000.0);
        assertThat(cost.toJson().getLong("allocatedBytesPerConnect")).isEqualTo(40_000);
    }

    @Test
    void acrossACollectionTheCountersGrowthIsCorrectedByTheEdenBeforeAndAfter() {
        // given an eden holding 90 MB, filled on to 120 MB, collected (the counter grows by those 120 MB),
        // then filled to 10 MB again
        JvmCounters before = JvmCounters.parse(exposition(1.5e9, 90_000_000));
        JvmCounters after = JvmCounters.parse(exposition(1.5e9 + 120_000_000, 10_000_000));

        // when 1,000 connects succeeded in between
        ConnectCost cost = ConnectCost.between(snapshot(0, before), snapshot(3_000_000_000L, after), 1_000, 100);

        // then 30 MB before the collection and 10 MB after it: 120 - 90 + 10 MB
        assertThat(after.allocatedSince(before)).isEqualTo(40_000_000);
        assertThat(cost.allocatedBytesPerConnect()).isCloseTo(40_000, within(0.001));
    }

    @Test
    void onlyAnEdenCountsAsTheYoungGeneration() {
        String parallel = exposition(0, 5_000_000).replace("G1 Eden Space", "PS Eden Space");
        String openJ9 = exposition(0, 6_000_000).replace("G1 Eden Space", "nursery-allocate");
        String noEden = """
                jvm_memory_used_bytes{area="heap",id="ZHeap",service="broker-service"} 3.0E8
                jvm_memory_used_bytes{area="heap",id="G1 Survivor Space",service="Eden Space"} 1000.0
                """;

        assertThat(JvmCounters.parse(parallel).youngUsedBytes()).isEqualTo(5_000_000);
        assertThat(JvmCounters.parse(openJ9).youngUsedBytes()).isEqualTo(6_000_000);
        assertThat(JvmCounters.parse(noEden).youngUsedBytes()).isZero();
    }

    /** A JVM's exposition with the given allocation counter and eden, beside pools that must not count. */
    private static String exposition(double allocatedBytes, double edenUsedBytes) {
        return """
                jvm_gc_memory_allocated_bytes_total{service="broker-service"} %s
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space",service="broker-service"} %s
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen",service="broker-service"} 4.0E8
                jvm_memory_used_bytes{area="heap",id="G1 Survivor Space",service="broker-service"} 8388608.0
                jvm_memory_max_bytes{area="heap",id="G1 Eden Space",service="broker-service"} -1.0
                """.formatted(allocatedBytes, edenUsedBytes);
    }

    private static CostSnapshot snapshot(long atNanos, JvmCounters jvm) {
        ProcessesUnderTest.Served launcher = new ProcessesUnderTest.Served(10, List.of("broker-service"));
        return new CostSnapshot(atNanos, List.of(launcher), Map.of(10L, 0L), Map.of(10L, jvm), Map.of());
    }

    @Test
    void aServicesKafkaClientsAreSummedOverItsProducersAndConsumers() {
        KafkaClientCounters counters = KafkaClientCounters.parse("""
                # TYPE kafka_producer_request_total counter
                kafka_producer_request_total{client_id="berth-session-producer-1",kafka_version="4.1.1",service="session-service"} 120.0
                kafka_producer_record_send_total{client_id="berth-session-producer-1",kafka_version="4.1.1",service="session-service"} 2800.0
                kafka_producer_topic_record_send_total{client_id="berth-session-producer-1",topic="berth.sessions",service="session-service"} 2800.0
                kafka_consumer_fetch_manager_fetch_total{client_id="berth-session-sessions-1",service="session-service"} 70.0
                kafka_consumer_fetch_manager_fetch_total{client_id="berth-session-allocations-1",service="session-service"} 40.0
                kafka_consumer_fetch_manager_records_consumed_total{client_id="berth-session-sessions-1",topic="berth.sessions",service="session-service"} 2800.0
                kafka_consumer_fetch_manager_records_consumed_total{client_id="berth-session-allocations-1",topic="berth.allocations",service="session-service"} 1000.0
                kafka_consumer_fetch_manager_records_consumed_total{client_id="berth-session-context-1",service="session-service"} 13.0
                kafka_consumer_fetch_manager_records_consumed_total{client_id="berth-session-context-1",partition="0",topic="berth.config",service="session-service"} 13.0
                kafka_consumer_fetch_manager_records_lag{client_id="berth-session-sessions-1",partition="0",topic="berth.sessions",service="session-service"} 5.0
                jvm_gc_memory_allocated_bytes_total{service="session-service"} 1.5E9
                """);

        assertThat(counters).isEqualTo(new KafkaClientCounters(120, 2800, 110));
    }

    @Test
    void eachServicesKafkaClientsAreChargedPerConnectAndTotalled() {
        ProcessesUnderTest.Served launcher = new ProcessesUnderTest.Served(10,
                List.of("broker-service", "session-service"));
        CostSnapshot before = new CostSnapshot(0, List.of(launcher), Map.of(10L, 0L), Map.of(), Map.of(
                "broker-service", new KafkaClientCounters(10, 10, 5),
                "session-service", new KafkaClientCounters(20, 30, 5)));
        CostSnapshot after = new CostSnapshot(1_000_000_000L, List.of(launcher), Map.of(10L, 0L), Map.of(), Map.of(
                "broker-service", new KafkaClientCounters(360, 1010, 85),
                "session-service", new KafkaClientCounters(140, 2830, 125)));

        ConnectCost cost = ConnectCost.between(before, after, 1_000, 100);

        assertThat(cost.kafkaPerConnect()).containsEntry("broker-service", new KafkaClientCounters(0.35, 1.0, 0.08))
                .containsEntry("session-service", new KafkaClientCounters(0.12, 2.8, 0.12));
        assertThat(cost.kafkaTotal().recordsWritten()).isCloseTo(3.8, within(1e-9));
        assertThat(cost.toJson().getJsonObject("kafkaClientsPerConnect").getJsonObject("total").getDouble("fetches"))
                .isEqualTo(0.2);
        assertThat(cost.text()).contains("0.47 produce requests, 3.80 records written, 0.20 fetches per connect")
                .contains("broker-service: 0.35 produce requests");
    }

    @Test
    void pauseBoundsNeedAHistogramAndAreZeroWithoutPauses() {
        assertThat(ConnectCost.pauseBound(Map.of(), 0.99)).isNull();
        assertThat(ConnectCost.pauseBound(Map.of(0.001, 0L, Double.POSITIVE_INFINITY, 0L), 0.99)).isZero();
        assertThat(ConnectCost.pauseBound(Map.of(0.001, 99L, 0.01, 100L, Double.POSITIVE_INFINITY, 100L), 0.99))
                .isEqualTo(1.0);
    }

    @Test
    void listeningSocketsOnTheWantedPortsAreFoundInProcNetTcp() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0",
                "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0",
                "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0",
                "   3: 00000000000000000000000001000000:2384 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 4545 1");

        assertThat(ProcessesUnderTest.listeningPorts(table, Set.of(8080, 9092)))
                .containsOnly(Map.entry(4242L, 8080), Map.entry(4545L, 9092));
    }

    @Test
    void cpuTimeIsUserPlusSystemEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
        String stat = "4711 (java (main) x) S 1 4711 4711 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 42 0 100 0 0";

        assertThat(ProcessesUnderTest.cpuTicksOf(stat)).isEqualTo(325);
    }
}
