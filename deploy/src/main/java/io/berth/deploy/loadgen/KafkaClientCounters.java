package io.berth.deploy.loadgen;

import io.vertx.core.json.JsonObject;

/**
 * What one service's Kafka clients did, as its {@code /metrics} counts it (Micrometer's Kafka client binder): its
 * producers' produce requests and records sent and its consumers' fetches, summed over the service's clients.
 * Not the records its consumers read: Kafka names a consumer's total and its per-topic counts alike, and the
 * binder, which keeps one set of tags per name, swaps the one for the others at a refresh (each minute), so
 * neither counts a phase reliably; {@code scripts/kafka-requests} reads them from the clients themselves.
 */
record KafkaClientCounters(double produceRequests, double recordsWritten, double fetches) {

    static final KafkaClientCounters NONE = new KafkaClientCounters(0, 0, 0);

    static KafkaClientCounters parse(String exposition) {
        double[] sums = new double[3];
        PrometheusText.forEachSample(exposition, (name, series, value) -> {
            switch (name) {
                case "kafka_producer_request_total" -> sums[0] += value;
                case "kafka_producer_record_send_total" -> sums[1] += value;
                case "kafka_consumer_fetch_manager_fetch_total" -> sums[2] += value;
                default -> {
                    // not a Kafka client counter
                }
            }
        });
        return new KafkaClientCounters(sums[0], sums[1], sums[2]);
    }

    /** What was counted after {@code earlier}, divided by {@code connects}. */
    KafkaClientCounters perConnectSince(KafkaClientCounters earlier, long connects) {
        double per = Math.max(1, connects);
        return new KafkaClientCounters((produceRequests - earlier.produceRequests) / per,
                (recordsWritten - earlier.recordsWritten) / per, (fetches - earlier.fetches) / per);
    }

    KafkaClientCounters plus(KafkaClientCounters other) {
        return new KafkaClientCounters(produceRequests + other.produceRequests, recordsWritten + other.recordsWritten,
                fetches + other.fetches);
    }

    JsonObject toJson() {
        return new JsonObject().put("produceRequests", round(produceRequests)).put("recordsWritten", round(recordsWritten))
                .put("fetches", round(fetches));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
