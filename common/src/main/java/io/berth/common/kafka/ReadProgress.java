package io.berth.common.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * How far a {@link TopicReader} has read: whether it has reached the end offsets its partitions had when
 * assigned (a service's readiness), and the answers to {@link TopicReader#readToEnd}. Updated on the poll
 * thread; its futures complete on the owner's context.
 */
final class ReadProgress {

    private static final Logger LOG = LoggerFactory.getLogger(ReadProgress.class);

    private final String name;
    private final List<String> topics;
    private final Consumer<String, byte[]> consumer;
    private final Context context;
    private final boolean waitsForAssignment;
    private final Promise<Void> caughtUp = Promise.promise();
    private final Map<TopicPartition, Long> catchUpTargets = new ConcurrentHashMap<>();
    private final Queue<Promise<Void>> endRequests = new ConcurrentLinkedQueue<>();
    private final List<EndTarget> endTargets = new ArrayList<>();
    private volatile boolean isCaughtUp;
    private volatile boolean assignedOnce;

    /** One {@link #readToEnd} request: the end offsets when it was taken up (on the poll thread). */
    private record EndTarget(Promise<Void> promise, Map<TopicPartition, Long> ends) {
    }

    /** @param waitsForAssignment a group member: not caught up before the group has assigned it partitions */
    ReadProgress(String name, List<String> topics, Consumer<String, byte[]> consumer, Context context,
                 boolean waitsForAssignment) {
        this.name = name;
        this.topics = topics;
        this.consumer = consumer;
        this.context = context;
        this.waitsForAssignment = waitsForAssignment;
    }

    Future<Void> caughtUp() {
        return caughtUp.future();
    }

    boolean isCaughtUp() {
        return isCaughtUp;
    }

    Future<Void> readToEnd() {
        Promise<Void> promise = Promise.promise();
        endRequests.add(promise);
        return promise.future();
    }

    /** Partitions were assigned: catching up means reaching their present ends. */
    void assigned(Collection<TopicPartition> partitions) {
        catchUpTargets.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        assignedOnce = true;
    }

    void failed(Throwable failure) {
        context.runOnContext(v -> caughtUp.tryFail(failure));
    }

    /** After each poll turn. */
    void update() {
        updateCatchUp();
        answerEndRequests();
    }

    private void updateCatchUp() {
        if (isCaughtUp) {
            return;
        }
        if (waitsForAssignment && consumer.assignment().isEmpty() && !assignedOnce) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> target : catchUpTargets.entrySet()) {
            if (consumer.assignment().contains(target.getKey()) && consumer.position(target.getKey()) < target.getValue()) {
                return;
            }
        }
        isCaughtUp = true;
        LOG.info("Reader {} caught up with {}", name, topics);
        context.runOnContext(v -> caughtUp.tryComplete());
    }

    private void answerEndRequests() {
        for (Promise<Void> request = endRequests.poll(); request != null; request = endRequests.poll()) {
            Promise<Void> taken = request;
            try {
                endTargets.add(new EndTarget(taken, consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5))));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Kafka is away: the caller retries; the reader itself keeps going.
                context.runOnContext(v -> taken.tryFail(e));
            }
        }
        endTargets.removeIf(target -> {
            for (Map.Entry<TopicPartition, Long> end : target.ends().entrySet()) {
                if (consumer.assignment().contains(end.getKey()) && consumer.position(end.getKey()) < end.getValue()) {
                    return false;
                }
            }
            context.runOnContext(v -> target.promise().tryComplete());
            return true;
        });
    }
}
