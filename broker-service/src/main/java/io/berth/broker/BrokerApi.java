package io.berth.broker;

import io.berth.broker.IdempotentConnects.Answer;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.ConnectOutcome;
import io.berth.broker.domain.ConnectRequest;
import io.berth.broker.ticket.TicketSigner;
import io.berth.common.auth.Principal;
import io.berth.common.http.JsonAnswers;
import io.berth.common.http.ProblemException;
import io.berth.common.http.Problems;
import io.berth.common.http.RequestBody;
import io.berth.common.ids.UserIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The broker's HTTP API (DESIGN.md section 4): {@code POST /api/v1/connect}, {@code GET
 * /api/v1/users/{userId}/resources} and {@code GET /api/v1/ticket-key}. Handlers translate a request, call the
 * domain, and write its answer through {@link JsonAnswers} or {@link Problems}: a connect's one
 * {@link ConnectOutcome} becomes 200 with a signed ticket, 202, or a problem. Requests reach them validated
 * against {@link #DOCUMENT}.
 */
final class BrokerApi {

    /** The broker's OpenAPI document on the class path (distinct per service: berth-local.jar holds all three). */
    static final String DOCUMENT = "openapi/broker-service.yaml";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /**
     * The problem member of every connect 503 saying why, as the {@code reason} label of
     * {@code berth_connect_requests_total} (e.g. {@code full}, {@code logon_cap}): gateways and the load
     * generator tell a deferral from a full pool without parsing the detail.
     */
    static final String REASON = "reason";
    /** RFC 7517's media type of a JWK Set; agents may cache it for five minutes. */
    private static final String JWK_SET = "application/jwk-set+json";

    /** 200: the session to open, with the ticket the host's agent verifies. */
    record Connected(String sessionId, String hostId, String poolId, boolean reconnect, String ticket) {
    }

    /** 202: the user's personal host is being started. */
    record Starting(String status, String hostId, int retryAfterSeconds) {
    }

    /** One application group the user may open. */
    record Resource(String appGroupId, String type, String poolId) {
    }

    private final IdempotentConnects connects;
    private final TicketSigner tickets;
    private final int ticketTtlSeconds;
    private final ConnectMetrics metrics;
    private final LongSupplier clock;
    private final LocalIndex index;

    BrokerApi(IdempotentConnects connects, TicketSigner tickets, int ticketTtlSeconds, ConnectMetrics metrics,
              LongSupplier clock, LocalIndex index) {
        this.connects = connects;
        this.tickets = tickets;
        this.ticketTtlSeconds = ticketTtlSeconds;
        this.metrics = metrics;
        this.clock = clock;
        this.index = index;
    }

    /**
     * @param gatewayToken refuses a request without a gateway's token
     * @param quota        refuses a request beyond the gateway's rate or concurrency
     */
    void mount(Router router, Handler<RoutingContext> gatewayToken, Handler<RoutingContext> quota) {
        router.post("/api/v1/connect").handler(gatewayToken).handler(quota).handler(this::connect);
        router.get("/api/v1/users/:userId/resources").handler(gatewayToken).handler(quota).handler(this::resources);
        router.get("/api/v1/ticket-key").handler(this::ticketKey);
    }

    private void connect(RoutingContext ctx) {
        long started = System.nanoTime();
        // The body's shape and limits were checked against the OpenAPI document; what is left is the id rule
        // that a schema cannot say (not blank) and a header of blanks.
        ConnectRequest request = RequestBody.read(ctx, ConnectRequest.class);
        requireValidId("userId", request.userId());
        for (String group : request.groups()) {
            requireValidId("groups", group);
        }
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key != null && key.isBlank()) {
            throw ProblemException.badRequest("the Idempotency-Key header must have 1 to 255 characters");
        }
        connects.connect(request, Principal.of(ctx).subject(), key).onComplete(result -> {
            if (result.failed()) {
                String reason = result.cause() instanceof ProblemException problem
                        ? problem.members().getOrDefault(REASON, "none") : "none";
                metrics.failedRequest(started, reason);
                ctx.fail(result.cause());
                return;
            }
            metrics.answered(result.result().outcome(), started);
            answer(ctx, request.userId(), result.result());
        });
    }

    /** DESIGN.md 7.8: refused before the id reaches a cache, a ticket or Kafka (the rule is common's {@link UserIds}). */
    private static void requireValidId(String field, String id) {
        UserIds.violation(field, id).ifPresent(why -> {
            throw ProblemException.badRequest(why);
        });
    }

    private void answer(RoutingContext ctx, String userId, Answer answer) {
        ConnectOutcome outcome = answer.outcome();
        if (outcome instanceof ConnectOutcome.Placed placed) {
            connected(ctx, userId, placed.sessionId(), placed.hostId(), placed.poolId(), false,
                    answer.issuedAtSeconds());
        } else if (outcome instanceof ConnectOutcome.Reconnected reconnected) {
            connected(ctx, userId, reconnected.sessionId(), reconnected.hostId(), reconnected.poolId(), true,
                    answer.issuedAtSeconds());
        } else if (outcome instanceof ConnectOutcome.Starting starting) {
            ctx.response().putHeader("Retry-After", String.valueOf(starting.retryAfterSeconds()));
            JsonAnswers.send(ctx, 202, new Starting("STARTING", starting.hostId(), starting.retryAfterSeconds()));
        } else if (outcome instanceof ConnectOutcome.Forbidden forbidden) {
            Problems.send(ctx, ProblemException.forbidden(forbidden.reason()));
        } else if (outcome instanceof ConnectOutcome.AppGroupNotFound notFound) {
            Problems.send(ctx, ProblemException.notFound("no application group '" + notFound.appGroupId() + "'"));
        } else if (outcome instanceof ConnectOutcome.NoCapacity noCapacity) {
            Problems.send(ctx, ProblemException.unavailable(noCapacity.reason(), noCapacity.retryAfterSeconds())
                    .withMember(REASON, outcome.reasonLabel()));
        } else if (outcome instanceof ConnectOutcome.Failed failed) {
            Problems.send(ctx, ProblemException.unavailable(failed.reason(), failed.retryAfterSeconds())
                    .withMember(REASON, outcome.reasonLabel()));
        }
    }

    private void connected(RoutingContext ctx, String userId, String sessionId, String hostId, String poolId,
                           boolean reconnect, long issuedAtSeconds) {
        // A replay re-signs the ticket: the same one while it has half its lifetime left, then a fresh one, so a
        // replayed answer never carries an expired ticket.
        long issuedAt = TicketSigner.reissueTime(issuedAtSeconds, clock.getAsLong() / 1000, ticketTtlSeconds);
        String ticket = tickets.sign(sessionId, userId, hostId, issuedAt, ticketTtlSeconds);
        JsonAnswers.send(ctx, 200, new Connected(sessionId, hostId, poolId, reconnect, ticket));
    }

    /** The application groups the user may open: listed by id, or through a group the gateway reports. */
    private void resources(RoutingContext ctx) {
        String userId = ctx.pathParam("userId");
        List<String> groups = new ArrayList<>();
        for (String value : ctx.queryParam("groups")) {
            for (String group : value.split(",")) {
                if (!group.isBlank()) {
                    groups.add(group.trim());
                }
            }
        }
        List<Resource> open = new ArrayList<>();
        for (AppGroupAccess appGroup : index.appGroups()) {
            if (appGroup.admits(userId, groups)) {
                open.add(new Resource(appGroup.appGroupId(), appGroup.type().name(), appGroup.poolId()));
            }
        }
        open.sort(Comparator.comparing(Resource::appGroupId));
        JsonAnswers.send(ctx, 200, open);
    }

    private void ticketKey(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "max-age=300");
        JsonAnswers.send(ctx, 200, JWK_SET, tickets.jwkSet());
    }
}
