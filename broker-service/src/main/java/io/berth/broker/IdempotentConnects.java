package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.StoredAnswer;
import io.berth.broker.domain.ConnectFlow;
import io.berth.broker.domain.ConnectOutcome;
import io.berth.broker.domain.ConnectRequest;
import io.berth.broker.domain.Refusal;
import io.berth.common.http.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.infinispan.Cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Connects that honour {@code Idempotency-Key} (DESIGN.md section 4): the first request with a key runs the
 * {@link ConnectFlow} and its 200 answer is kept for ten minutes in the replicated idempotency cache; a repeat
 * within them gets the kept answer and allocates nothing.
 */
final class IdempotentConnects {

    /** How long a key is held for a request still being answered, in case its node dies mid-way. */
    private static final long IN_PROGRESS_SECONDS = 30;
    private static final long WAIT_STEP_MILLIS = 50;
    private static final int MAX_WAIT_STEPS = 200;

    /** An outcome with the second its ticket was issued at (kept, so a replay gives the same ticket). */
    record Answer(ConnectOutcome outcome, long issuedAtSeconds) {
    }

    private final Vertx vertx;
    private final ConnectFlow flow;
    private final Cache<String, StoredAnswer> idempotency;
    private final LongSupplier clock;
    private final BooleanSupplier inMinority;

    /**
     * @param inMinority whether this node is in a minority partition: its idempotency cache refuses writes, so a
     *                   request with a key replays a stored answer or is decided without recording the key (such
     *                   a node allocates nothing, so a retry cannot allocate twice: it reconnects or refuses)
     */
    IdempotentConnects(Vertx vertx, ConnectFlow flow, Cache<String, StoredAnswer> idempotency, LongSupplier clock,
                       BooleanSupplier inMinority) {
        this.vertx = vertx;
        this.flow = flow;
        this.idempotency = idempotency;
        this.clock = clock;
        this.inMinority = inMinority;
    }

    /** The answer to {@code request}; {@code key} is the gateway's {@code Idempotency-Key}, or null. */
    Future<Answer> connect(ConnectRequest request, String subject, String key) {
        Context context = vertx.getOrCreateContext();
        return key == null
                ? fresh(request, context)
                : idempotent(idempotencyCacheKey(subject, key), request, context, 0);
    }

    /**
     * The cache key of a gateway's {@code Idempotency-Key}: a SHA-256 of the token subject and the key, so every
     * entry of the replicated cache has the same small key whatever the gateway sends (43 characters instead of
     * up to 255 + the subject).
     */
    static String idempotencyCacheKey(String subject, String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(subject.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Future<Answer> fresh(ConnectRequest request, Context context) {
        return Future.fromCompletionStage(flow.connect(request), context)
                .map(outcome -> new Answer(outcome, clock.getAsLong() / 1000));
    }

    /**
     * The first request with a key reserves it, is answered, and stores a 200 answer for ten minutes (other
     * answers allocate nothing and are not stored: a retry is decided again). A repeat gets the stored answer;
     * a repeat while the first is still running waits for it.
     */
    private Future<Answer> idempotent(String key, ConnectRequest request, Context context, int step) {
        return Future.fromCompletionStage(idempotency.putIfAbsentAsync(key,
                        StoredAnswer.inProgress(request.userId(), request.appGroupId()),
                        IN_PROGRESS_SECONDS, TimeUnit.SECONDS), context)
                // A minority node's cache refuses the write but still reads: a stored answer is replayed.
                .recover(refused -> inMinority.getAsBoolean()
                        ? Future.fromCompletionStage(idempotency.getAsync(key), context)
                        : Future.failedFuture(ProblemException.unavailable(
                        "the broker cluster could not record the Idempotency-Key", 1)
                        .withMember(BrokerApi.REASON, Refusal.CLUSTER_UNAVAILABLE.tag())))
                .compose(existing -> {
                    if (existing == null) {
                        return fresh(request, context).compose(answer -> remember(key, request, answer, context));
                    }
                    if (!existing.matches(request.userId(), request.appGroupId())) {
                        return Future.failedFuture(new ProblemException(422, "Unprocessable Content",
                                "this Idempotency-Key was already used for another connect request"));
                    }
                    if (existing.isAnswered()) {
                        return Future.succeededFuture(new Answer(existing.outcome(), existing.issuedAtSeconds()));
                    }
                    if (step >= MAX_WAIT_STEPS) {
                        return Future.succeededFuture(new Answer(new ConnectOutcome.Failed(
                                "a request with this Idempotency-Key is still being answered", 1), 0));
                    }
                    Promise<Void> later = Promise.promise();
                    vertx.setTimer(WAIT_STEP_MILLIS, id -> later.complete());
                    return later.future().compose(v -> idempotent(key, request, context, step + 1));
                });
    }

    private Future<Answer> remember(String key, ConnectRequest request, Answer answer, Context context) {
        StoredAnswer session = StoredAnswer.of(request.userId(), request.appGroupId(), answer.outcome(),
                answer.issuedAtSeconds());
        CompletableFuture<?> write = session == null
                ? idempotency.removeAsync(key)
                : idempotency.putAsync(key, session, BrokerCaches.IDEMPOTENCY_MINUTES, TimeUnit.MINUTES);
        // The answer stands even if remembering it fails; a retry is then decided again (and reconnects).
        return Future.fromCompletionStage(write, context).transform(ignored -> Future.succeededFuture(answer));
    }
}
