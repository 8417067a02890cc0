package io.berth.common.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * What a verticle's {@code stop()} undoes, registered as {@code start()} builds it: run last-registered
 * first (a consumer stops before the producer it feeds, the producer before the caches it reads), each
 * step after the one before, a failing step logged once and not keeping the others from running.
 */
public final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    /** Either a resource closed on a worker thread or an asynchronous stop. */
    private record Step(String what, AutoCloseable resource, Supplier<Future<?>> stop) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    /**
     * Registers {@code resource} to be closed on a worker thread (Kafka clients and cache managers block
     * while they close); a null resource is ignored. Returns {@code resource}, for use in an assignment.
     */
    public synchronized <T extends AutoCloseable> T close(String what, T resource) {
        if (resource != null) {
            steps.push(new Step(what, resource, null));
        }
        return resource;
    }

    /** Registers an asynchronous step, run on the verticle's context (closing a server, a last publish). */
    public synchronized void then(String what, Supplier<Future<?>> stop) {
        steps.push(new Step(what, null, stop));
    }

    /** Runs every registered step once, last-registered first; the future completes when all have, and never fails. */
    public Future<Void> run(Vertx vertx) {
        Future<Void> done = Future.succeededFuture();
        Step step;
        while ((step = next()) != null) {
            Step current = step;
            done = done.transform(previous -> runOne(vertx, current));
        }
        return done;
    }

    private synchronized Step next() {
        return steps.poll();
    }

    private static Future<Void> runOne(Vertx vertx, Step step) {
        Future<?> stopped;
        try {
            stopped = step.resource() != null
                    ? vertx.executeBlocking(() -> {
                        step.resource().close();
                        return null;
                    }, false)
                    : step.stop().get();
        } catch (RuntimeException e) {
            stopped = Future.failedFuture(e);
        }
        return stopped.<Void>mapEmpty().recover(failure -> {
            LOG.warn("Stopping {} failed", step.what(), failure);
            return Future.succeededFuture();
        });
    }
}
