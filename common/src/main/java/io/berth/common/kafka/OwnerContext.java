package io.berth.common.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The Vert.x context that owns a {@link TopicReader}'s state, seen from the reader's poll thread: batches and
 * partition listeners run there, and the poll thread waits for them, so that the next poll (or the rest of a
 * rebalance) happens only after the owner has seen what came before.
 */
final class OwnerContext {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerContext.class);

    private final String readerName;
    private final Context context;

    OwnerContext(String readerName, Context context) {
        this.readerName = readerName;
        this.context = context;
    }

    /** Runs the handler on the context and waits for it and the future it returns; its failure is thrown. */
    void handle(TopicReader.BatchHandler handler, List<ConsumerRecord<String, byte[]>> batch) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                Future<?> result = handler.handle(batch);
                if (result == null) {
                    done.complete(null);
                } else {
                    result.onComplete(ar -> {
                        if (ar.failed()) {
                            done.completeExceptionally(ar.cause());
                        } else {
                            done.complete(null);
                        }
                    });
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Runs a partition listener on the context and waits for it: the rebalance goes on only after. */
    void runAndWait(Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("Reader {}: a partition listener failed", readerName, e);
            }
            done.complete(null);
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
