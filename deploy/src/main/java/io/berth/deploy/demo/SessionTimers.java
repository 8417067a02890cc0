package io.berth.deploy.demo;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo fleet's pending actions per session (a logon due, a logoff due), so that an operator's logoff or a
 * refused logon cancels what was still to come for that session. Used from the fleet's Vert.x context.
 */
final class SessionTimers {

    private final Vertx vertx;
    private final Map<String, List<Long>> timersBySession = new HashMap<>();

    SessionTimers(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs {@code action} after a random delay between {@code min} and {@code max}, unless cancelled. */
    void schedule(String sessionId, Duration min, Duration max, Runnable action) {
        long timer = vertx.setTimer(Math.max(1, between(min, max)), t -> {
            List<Long> timers = timersBySession.get(sessionId);
            if (timers != null) {
                timers.remove(Long.valueOf(t));
                if (timers.isEmpty()) {
                    timersBySession.remove(sessionId);
                }
            }
            action.run();
        });
        timersBySession.computeIfAbsent(sessionId, id -> new ArrayList<>()).add(timer);
    }

    void cancel(String sessionId) {
        List<Long> timers = timersBySession.remove(sessionId);
        if (timers != null) {
            timers.forEach(vertx::cancelTimer);
        }
    }

    void cancelAll() {
        timersBySession.values().forEach(timers -> timers.forEach(vertx::cancelTimer));
        timersBySession.clear();
    }

    private static long between(Duration min, Duration max) {
        long low = min.toMillis();
        long high = Math.max(low, max.toMillis());
        return low == high ? low : ThreadLocalRandom.current().nextLong(low, high + 1);
    }
}
