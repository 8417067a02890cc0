package io.berth.common.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A verticle's stop undoes its start in reverse, and one failing step does not keep the others from running. */
class ShutdownTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void stepsRunLastRegisteredFirstAndAFailureDoesNotStopTheRest() throws Exception {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Shutdown shutdown = new Shutdown();
        AutoCloseable consumer = shutdown.close("consumer", () -> stopped.add("consumer"));
        shutdown.close("nothing yet", null);
        shutdown.close("producer", () -> {
            stopped.add("producer");
            throw new IllegalStateException("already closed");
        });
        shutdown.then("server", () -> {
            stopped.add("server");
            return Future.failedFuture("refused");
        });

        shutdown.run(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(consumer).isNotNull();
        assertThat(stopped).containsExactly("server", "producer", "consumer");
    }

    @Test
    void eachStepRunsOnce() throws Exception {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Shutdown shutdown = new Shutdown();
        shutdown.close("consumer", () -> stopped.add("consumer"));

        shutdown.run(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        shutdown.run(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(stopped).containsExactly("consumer");
    }
}
