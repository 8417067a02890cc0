package io.berth.inventory;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Orders the work that changes the inventory so that no two conflicting pieces interleave while one waits
 * for Kafka: each piece decides against the state, publishes, and applies before a conflicting one decides.
 * Work on one key (a host's heartbeats) runs one at a time per key, in parallel across keys; exclusive work
 * (anything that reads more than one host or pool) runs alone. Nothing overtakes earlier conflicting work.
 *
 * <p>Used from one Vert.x context only; not thread-safe.
 */
final class ChangeSequencer {

    private record Task(String key, Supplier<Future<?>> work, Promise<Object> done) {
        boolean exclusive() {
            return key == null;
        }
    }

    private final Deque<Task> waiting = new ArrayDeque<>();
    private final Set<String> runningKeys = new HashSet<>();
    private int running;
    private boolean exclusiveRunning;

    /** Runs {@code work} once every earlier piece of work has finished, and alone. */
    <T> Future<T> exclusive(Supplier<Future<T>> work) {
        return enqueue(null, work);
    }

    /** Runs {@code work} after earlier work on {@code key} and earlier exclusive work have finished. */
    <T> Future<T> keyed(String key, Supplier<Future<T>> work) {
        return enqueue(key, work);
    }

    /** Pieces of work not finished yet (waiting or running). */
    int pending() {
        return waiting.size() + running;
    }

    @SuppressWarnings("unchecked")
    private <T> Future<T> enqueue(String key, Supplier<Future<T>> work) {
        Promise<Object> done = Promise.promise();
        waiting.addLast(new Task(key, (Supplier<Future<?>>) (Supplier<?>) work, done));
        drain();
        return (Future<T>) done.future();
    }

    private void drain() {
        Set<String> blockedKeys = new HashSet<>();
        Iterator<Task> tasks = waiting.iterator();
        while (tasks.hasNext()) {
            Task task = tasks.next();
            if (task.exclusive()) {
                if (running == 0 && blockedKeys.isEmpty()) {
                    tasks.remove();
                    start(task);
                }
                return; // nothing behind exclusive work may overtake it
            }
            if (!exclusiveRunning && !runningKeys.contains(task.key()) && !blockedKeys.contains(task.key())) {
                tasks.remove();
                start(task);
            } else {
                blockedKeys.add(task.key());
            }
        }
    }

    private void start(Task task) {
        running++;
        if (task.exclusive()) {
            exclusiveRunning = true;
        } else {
            runningKeys.add(task.key());
        }
        Future<?> result;
        try {
            result = task.work().get();
            if (result == null) {
                result = Future.succeededFuture();
            }
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(outcome -> {
            running--;
            if (task.exclusive()) {
                exclusiveRunning = false;
            } else {
                runningKeys.remove(task.key());
            }
            if (outcome.succeeded()) {
                task.done().complete(outcome.result());
            } else {
                task.done().fail(outcome.cause());
            }
            drain();
        });
    }
}
