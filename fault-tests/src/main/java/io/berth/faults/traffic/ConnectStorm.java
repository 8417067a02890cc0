package io.berth.faults.traffic;

import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Connects at a fixed rate, spread over the broker nodes in turn, in an open model: request i is due at
 * start + i / rate whatever happened to the others, so a stalled node is charged for every request due
 * while it stalled. Each answer goes to the {@link AnswerLog}; each 200 also to {@code onPlaced} (the agents
 * learn that a user is on the way).
 */
public final class ConnectStorm {

    private final Vertx vertx;
    private final Gateway gateway;
    private final String appGroupId;
    private final List<String> groups;
    private final Supplier<String> users;
    private final double ratePerSecond;
    private final AnswerLog log;
    private final Consumer<Answer> onPlaced;
    private final AtomicInteger inFlight = new AtomicInteger();
    private long timer = -1;
    private long startMillis;
    private long sent;

    public ConnectStorm(Vertx vertx, Gateway gateway, String appGroupId, List<String> groups, Supplier<String> users,
                        double ratePerSecond, AnswerLog log, Consumer<Answer> onPlaced) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.appGroupId = appGroupId;
        this.groups = List.copyOf(groups);
        this.users = users;
        this.ratePerSecond = ratePerSecond;
        this.log = log;
        this.onPlaced = onPlaced;
    }

    public synchronized void start() {
        startMillis = System.currentTimeMillis();
        timer = vertx.setPeriodic(5, t -> sendDue());
    }

    /** Stops sending; the requests in flight still complete into the log (see {@link #inFlight}). */
    public synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private synchronized void sendDue() {
        if (timer < 0) {
            return;
        }
        long now = System.currentTimeMillis();
        List<String> nodes = gateway.nodes();
        while (true) {
            long due = startMillis + (long) (sent * 1000.0 / ratePerSecond);
            if (due > now) {
                return;
            }
            String node = nodes.get((int) (sent % nodes.size()));
            sent++;
            inFlight.incrementAndGet();
            gateway.connect(node, users.get(), appGroupId, groups, due).onComplete(ar -> {
                inFlight.decrementAndGet();
                Answer answer = ar.result();
                log.add(answer);
                if (answer.placed()) {
                    onPlaced.accept(answer);
                }
            });
        }
    }
}
