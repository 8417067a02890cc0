package io.berth.faults.traffic;

/**
 * One connect as the gateway saw it: which broker node it went to, for which user, when it was due
 * (epoch ms; latency counts from then, so a stalled node is charged for every request due while it
 * stalled), and what came back: the HTTP status (or {@link #NO_ANSWER} on a timeout or a refused
 * connection), the problem detail or error, and for a 200 the session and host.
 */
public record Answer(String node, String userId, long dueEpochMillis, long latencyMillis, int status, String detail,
                     String sessionId, String hostId, boolean reconnect) {

    /** No HTTP answer at all: timed out, connection refused or reset. */
    public static final int NO_ANSWER = 0;

    public boolean placed() {
        return status == 200;
    }

    public boolean newSession() {
        return status == 200 && !reconnect;
    }

    /** A failure of the service (5xx, or no answer), as opposed to a decision (403, 404, 503 full...). */
    public boolean failed() {
        return status == NO_ANSWER || status >= 500;
    }

    public long answeredEpochMillis() {
        return dueEpochMillis + latencyMillis;
    }
}
