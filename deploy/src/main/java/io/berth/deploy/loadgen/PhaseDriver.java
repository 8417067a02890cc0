package io.berth.deploy.loadgen;

import io.berth.deploy.client.BerthApiClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Runs one phase of an open-model load: requests leave when they are due (see {@link OpenLoopSchedule}),
 * not when the previous one came back, and each latency is counted from the due time. A request held
 * back because too many are in flight stays due and is charged for its wait. Used from one Vert.x context.
 */
final class PhaseDriver {

    /** What a phase calls. */
    enum Endpoint {
        CONNECT("POST /api/v1/connect"), NOOP("GET /health/live");

        final String description;

        Endpoint(String description) {
            this.description = description;
        }
    }

    private static final int MAX_IN_FLIGHT = 20_000;

    private final Vertx vertx;
    private final BerthApiClient api;
    private final LoadFleet fleet;
    private final String gatewayToken;
    private final LoadGenOptions options;
    private final PrintStream out;
    private final String runId;
    private long userSequence;

    PhaseDriver(Vertx vertx, BerthApiClient api, LoadFleet fleet, String gatewayToken, LoadGenOptions options,
                PrintStream out, String runId) {
        this.vertx = vertx;
        this.api = api;
        this.fleet = fleet;
        this.gatewayToken = gatewayToken;
        this.options = options;
        this.out = out;
        this.runId = runId;
    }

    /**
     * Drives {@code endpoint} for {@code duration}, its rate growing linearly from {@code fromRate} to {@code rate}
     * (the same for a steady phase; see {@link OpenLoopSchedule#ramp}); completes when every request has finished.
     */
    Future<PhaseResult> run(String name, Endpoint endpoint, double fromRate, double rate, Duration duration) {
        Promise<PhaseResult> done = Promise.promise();
        new Run(name, endpoint, fromRate, rate, duration, done).start();
        return done.future();
    }

    private final class Run {
        private final String name;
        private final Endpoint endpoint;
        private final double fromRate;
        private final double rate;
        private final Duration duration;
        private final Promise<PhaseResult> done;
        private final PhaseRecorder recorder = new PhaseRecorder();
        private OpenLoopSchedule schedule;
        private long next;
        private long inFlight;
        private long sendTimer;
        private long progressTimer;
        private long startedAt;
        private boolean sending = true;
        private long secondsReported;

        Run(String name, Endpoint endpoint, double fromRate, double rate, Duration duration, Promise<PhaseResult> done) {
            this.name = name;
            this.endpoint = endpoint;
            this.fromRate = fromRate;
            this.rate = rate;
            this.duration = duration;
            this.done = done;
        }

        void start() {
            startedAt = System.nanoTime() + 5_000_000;
            schedule = OpenLoopSchedule.ramp(startedAt, fromRate, rate, duration.toNanos());
            sendTimer = vertx.setPeriodic(1, t -> sendDue());
            progressTimer = vertx.setPeriodic(1000, t -> progress());
        }

        private void sendDue() {
            long now = System.nanoTime();
            long due = schedule.dueBy(now);
            while (next < due && inFlight < MAX_IN_FLIGHT) {
                send(schedule.dueAt(next));
                next++;
            }
            boolean allSent = next >= schedule.total();
            boolean overdue = now > schedule.endNanos() + options.requestTimeout().toNanos();
            if (allSent || overdue) {
                sending = false;
                vertx.cancelTimer(sendTimer);
                recorder.notSent(schedule.total() - next);
                maybeFinish();
            }
        }

        private void send(long dueNanos) {
            inFlight++;
            recorder.sent(System.nanoTime() - dueNanos);
            Future<HttpResponse<Buffer>> response;
            long timeout = options.requestTimeout().toMillis();
            String userId = null;
            if (endpoint == Endpoint.CONNECT) {
                long sequence = userSequence++;
                userId = "lg-" + runId + "-" + sequence;
                int pool = (int) (sequence % options.pools()) + 1;
                response = api.connect(gatewayToken, userId, LoadFleet.appGroupId(pool), List.of(LoadFleet.USER_GROUP), timeout);
            } else {
                response = api.brokerLive(timeout);
            }
            String user = userId;
            response.onComplete(ar -> {
                long latency = System.nanoTime() - dueNanos;
                inFlight--;
                if (ar.succeeded()) {
                    int status = ar.result().statusCode();
                    recorder.record(String.valueOf(status), status == 200, latency);
                    if (status == 200 && endpoint == Endpoint.CONNECT) {
                        placed(user, ar.result());
                    } else if (status == 503 && endpoint == Endpoint.CONNECT) {
                        recorder.refused(refusalReason(ar.result()));
                    }
                } else {
                    recorder.record("error:" + kindOf(ar.cause()), false, latency);
                }
                if (!sending) {
                    maybeFinish();
                }
            });
        }

        private void placed(String userId, HttpResponse<Buffer> response) {
            try {
                JsonObject answer = response.bodyAsJsonObject();
                fleet.placedFromAnyThread(answer.getString("sessionId"), userId, answer.getString("hostId"));
            } catch (RuntimeException e) {
                // A 200 without the contract's body: counted by the server's own metrics, nothing to simulate.
            }
        }

        private void maybeFinish() {
            if (inFlight > 0 || done.future().isComplete()) {
                return;
            }
            vertx.cancelTimer(progressTimer);
            double seconds = duration.toNanos() / 1e9;
            done.complete(PhaseResult.of(name, endpoint.description, rate, seconds, next, recorder));
        }

        private void progress() {
            PhaseRecorder.Interval interval = recorder.takeInterval();
            long elapsed = ++secondsReported;
            var latencies = PhaseResult.Latencies.of(interval.latencies());
            out.println(String.format(Locale.ROOT,
                    "[%-8s %4ds] target %.0f/s | done %d/s | in flight %d | p50 %.2f p99 %.2f max %.2f ms | %s%s",
                    name, elapsed, rate, interval.completed(), inFlight, latencies.p50(), latencies.p99(),
                    latencies.max(), recorder.outcomes(),
                    endpoint == Endpoint.CONNECT ? " | live sessions " + fleet.liveSessions() : ""));
        }
    }

    /** The {@code reason} member of a 503 problem: why the broker refused (DESIGN.md 7.4's labels). */
    static String refusalReason(HttpResponse<Buffer> response) {
        try {
            JsonObject problem = response.bodyAsJsonObject();
            return problem == null ? null : problem.getString("reason");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String kindOf(Throwable failure) {
        String simple = failure.getClass().getSimpleName();
        if (simple.contains("Timeout")) {
            return "timeout";
        }
        if (simple.contains("Connect")) {
            return "connect";
        }
        return simple.isEmpty() ? "other" : simple;
    }
}
