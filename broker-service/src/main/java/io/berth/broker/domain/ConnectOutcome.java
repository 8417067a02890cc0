package io.berth.broker.domain;

/** The answer to a connect request, one variant per HTTP outcome of {@code POST /api/v1/connect}. */
public sealed interface ConnectOutcome {

    /** The label of {@code berth_connect_requests_total{outcome}}. */
    String metricLabel();

    /** The label of {@code berth_connect_requests_total{reason}}: why a 503, {@code none} for any other answer. */
    default String reasonLabel() {
        return "none";
    }

    /** A new session was allocated and is durable on {@code berth.allocations}: 200. */
    record Placed(String sessionId, String hostId, String poolId) implements ConnectOutcome {
        @Override
        public String metricLabel() {
            return "placed";
        }
    }

    /** The user's existing live session in the pool: 200 with {@code reconnect: true}. */
    record Reconnected(String sessionId, String hostId, String poolId) implements ConnectOutcome {
        @Override
        public String metricLabel() {
            return "reconnect";
        }
    }

    /** The user's personal host is being started: 202 with {@code Retry-After}. */
    record Starting(String hostId, int retryAfterSeconds) implements ConnectOutcome {
        @Override
        public String metricLabel() {
            return "starting";
        }
    }

    /** The user is not entitled, or has no host in a DIRECT personal pool: 403. */
    record Forbidden(String reason) implements ConnectOutcome {
        @Override
        public String metricLabel() {
            return "forbidden";
        }
    }

    /** No such application group: 404. */
    record AppGroupNotFound(String appGroupId) implements ConnectOutcome {
        @Override
        public String metricLabel() {
            return "not_found";
        }
    }

    /** No host can take the session now (or this node may not place one): 503 with {@code Retry-After}. */
    record NoCapacity(String reason, int retryAfterSeconds, Refusal refusal) implements ConnectOutcome {
        public NoCapacity(String reason, int retryAfterSeconds) {
            this(reason, retryAfterSeconds, Refusal.FULL);
        }

        @Override
        public String metricLabel() {
            return "no_capacity";
        }

        @Override
        public String reasonLabel() {
            return refusal.tag();
        }
    }

    /** The allocation could not be made durable (Kafka refused) or the cluster could not act: 503. */
    record Failed(String reason, int retryAfterSeconds, Refusal refusal) implements ConnectOutcome {
        public Failed(String reason, int retryAfterSeconds) {
            this(reason, retryAfterSeconds, Refusal.CLUSTER_UNAVAILABLE);
        }

        @Override
        public String metricLabel() {
            return "error";
        }

        @Override
        public String reasonLabel() {
            return refusal.tag();
        }
    }
}
