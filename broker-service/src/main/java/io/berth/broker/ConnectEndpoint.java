package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.StoredAnswer;
import io.berth.broker.domain.ConnectFlow;
import io.berth.broker.domain.ConnectOutcome;
import io.berth.broker.domain.ConnectRequest;
import io.berth.broker.ticket.TicketSigner;
import io.berth.common.auth.Principal;
import io.berth.common.http.JsonBodies;
import io.berth.common.http.ProblemException;
import io.berth.common.ids.UserIds;
import io.berth.common.http.Problems;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
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
 * {@code POST /api/v1/connect}: validates the request (ids bounded, no control characters), honours
 * {@code Idempotency-Key}, runs the {@link ConnectFlow} and writes its outcome (200 with a signed ticket, 202,
 * or a problem).
 */
final class ConnectEndpoint {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** How long a key is held for a request still being answered, in case its node dies mid-way. */
    private static final long IN_PROGRESS_SECONDS = 30;
    private static final long WAIT_STEP_MILLIS = 50;
    private static final int MAX_WAIT_STEPS = 200;
    /** DESIGN.md 7.8: the longest user or group id. */

    /** An outcome with the second its ticket was issued at (kept, so a replay gives the same ticket). */
    record Answer(ConnectOutcome outcome, long issuedAtSeconds) {
    }

    private final Vertx vertx;
    private final ConnectFlow flow;
    private final Cache<String, StoredAnswer> idempotency;
    private final TicketSigner tickets;
    private final int ticketTtlSeconds;
    private final ConnectMetrics metrics;
    private final LongSupplier clock;
    private final BooleanSupplier inMinority;

    ConnectEndpoint(Vertx vertx, ConnectFlow flow, Cache<String, StoredAnswer> idempotency, TicketSigner tickets,
                    int ticketTtlSeconds, ConnectMetrics metrics, LongSupplier clock) {
        this(vertx, flow, idempotency, tickets, ticketTtlSeconds, metrics, clock, () -> false);
    }

    /**
     * @param inMinority whether this node is in a minority partition: its idempotency cache refuses writes, so a
     *                   request with a key replays a stored answer or is decided without recording the key (such
     *                   a node allocates nothing, so a retry cannot allocate twice: it reconnects or refuses)
     */
    ConnectEndpoint(Vertx vertx, ConnectFlow flow, Cache<String, StoredAnswer> idempotency, TicketSigner tickets,
                    int ticketTtlSeconds, ConnectMetrics metrics, LongSupplier clock, BooleanSupplier inMinority) {
        this.inMinority = inMinority;
        this.vertx = vertx;
        this.flow = flow;
        this.idempotency = idempotency;
        this.tickets = tickets;
        this.ticketTtlSeconds = ticketTtlSeconds;
        this.metrics = metrics;
        this.clock = clock;
    }

    void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        JsonObject body = JsonBodies.object(ctx);
        ConnectRequest request = new ConnectRequest(JsonBodies.requiredString(body, "userId"),
                JsonBodies.requiredString(body, "appGroupId"), JsonBodies.stringList(body, "groups"));
        requireValidId("userId", request.userId());
        for (String group : request.groups()) {
            requireValidId("groups", group);
        }
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw ProblemException.badRequest("the Idempotency-Key header must have 1 to 255 characters");
        }
        Context context = vertx.getOrCreateContext();
        Future<Answer> answer = key == null
                ? fresh(request, context)
                : idempotent(idempotencyCacheKey(Principal.of(ctx).subject(), key), request, context, 0);
        answer.onComplete(result -> {
            if (result.failed()) {
                metrics.failedRequest(started);
                ctx.fail(result.cause());
                return;
            }
            metrics.answered(result.result().outcome(), started);
            write(ctx, request, result.result());
        });
    }

    /** DESIGN.md 7.8: refused before the id reaches a cache, a ticket or Kafka (the rule is common's {@link UserIds}). */
    static void requireValidId(String field, String id) {
        UserIds.violation(field, id).ifPresent(why -> {
            throw ProblemException.badRequest(why);
        });
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
                        "the broker cluster could not record the Idempotency-Key", 1)))
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

    private void write(RoutingContext ctx, ConnectRequest request, Answer answer) {
        StoredAnswer session = StoredAnswer.of(request.userId(), request.appGroupId(), answer.outcome(),
                answer.issuedAtSeconds());
        if (session != null) {
            ok(ctx, session);
            return;
        }
        ConnectOutcome outcome = answer.outcome();
        if (outcome instanceof ConnectOutcome.Starting starting) {
            ctx.response().setStatusCode(202)
                    .putHeader("Retry-After", String.valueOf(starting.retryAfterSeconds()))
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("status", "STARTING")
                            .put("hostId", starting.hostId())
                            .put("retryAfterSeconds", starting.retryAfterSeconds())
                            .toBuffer());
        } else if (outcome instanceof ConnectOutcome.Forbidden forbidden) {
            Problems.send(ctx, ProblemException.forbidden(forbidden.reason()));
        } else if (outcome instanceof ConnectOutcome.AppGroupNotFound notFound) {
            Problems.send(ctx, ProblemException.notFound("no application group '" + notFound.appGroupId() + "'"));
        } else if (outcome instanceof ConnectOutcome.NoCapacity noCapacity) {
            Problems.send(ctx, ProblemException.unavailable(noCapacity.reason(), noCapacity.retryAfterSeconds()));
        } else if (outcome instanceof ConnectOutcome.Failed failed) {
            Problems.send(ctx, ProblemException.unavailable(failed.reason(), failed.retryAfterSeconds()));
        }
    }

    private void ok(RoutingContext ctx, StoredAnswer session) {
        // A replay re-signs the ticket: the same one while it has half its lifetime left, then a fresh one, so a
        // replayed answer never carries an expired ticket.
        long issuedAt = TicketSigner.reissueTime(session.issuedAtSeconds(), clock.getAsLong() / 1000,
                ticketTtlSeconds);
        String ticket = tickets.sign(session.sessionId(), session.userId(), session.hostId(), issuedAt,
                ticketTtlSeconds);
        ctx.response().setStatusCode(200)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("sessionId", session.sessionId())
                        .put("hostId", session.hostId())
                        .put("poolId", session.poolId())
                        .put("reconnect", session.reconnect())
                        .put("ticket", ticket)
                        .toBuffer());
    }
}
