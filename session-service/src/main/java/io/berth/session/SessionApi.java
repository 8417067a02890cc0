package io.berth.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.berth.common.auth.JwtAuthentication;
import io.berth.common.auth.Principal;
import io.berth.common.auth.Role;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.SessionState;
import io.berth.common.http.JsonAnswers;
import io.berth.common.http.ProblemException;
import io.berth.common.http.RequestBody;
import io.berth.session.domain.AgentEventType;
import io.berth.session.domain.AgentIdentity;
import io.berth.session.domain.AgentReport;
import io.berth.session.domain.CommandDecision;
import io.berth.session.domain.ReportOutcome;
import io.berth.session.domain.Session;
import io.berth.session.domain.SessionOutcome;
import io.berth.session.domain.SessionQuery;
import io.berth.session.domain.SessionRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The session service's HTTP API (DESIGN.md sections 4 and 7.2): agent session reports, and the operators' queries,
 * logoff and messages. Requests have been checked against {@value #DOCUMENT} before a handler runs; handlers
 * translate, the registry decides, and {@link #answer} maps its {@link SessionOutcome} to the answer, given once
 * every change is on Kafka.
 */
final class SessionApi {

    /** The OpenAPI document this API is validated against and serves. */
    static final String DOCUMENT = "openapi/session-service.yaml";

    /** Kafka outages last seconds to minutes: agents and operators retry after this many seconds. */
    private static final int KAFKA_RETRY_AFTER_SECONDS = 5;
    private static final int HELD_RETRY_AFTER_SECONDS = 5;

    private final SessionRegistry registry;
    private final SessionPublisher publisher;
    private final Clock clock;
    private final BooleanSupplier stateReady;

    SessionApi(SessionRegistry registry, SessionPublisher publisher, Clock clock, BooleanSupplier stateReady) {
        this.registry = registry;
        this.publisher = publisher;
        this.clock = clock;
        this.stateReady = stateReady;
    }

    void mount(Router router, JwtAuthentication jwt) {
        router.route("/api/v1/*").handler(this::requireStateReplayed);
        router.post("/api/v1/agent/sessions/:sessionId/events").handler(jwt.require(Role.AGENT))
                .handler(this::agentReport);
        router.get("/api/v1/sessions").handler(jwt.require(Role.ADMIN)).handler(this::list);
        router.get("/api/v1/sessions/:sessionId").handler(jwt.require(Role.ADMIN)).handler(this::get);
        router.post("/api/v1/sessions/:sessionId/logoff").handler(jwt.require(Role.ADMIN)).handler(this::logoff);
        router.post("/api/v1/sessions/:sessionId/message").handler(jwt.require(Role.ADMIN)).handler(this::message);
    }

    /** Until the state is rebuilt from Kafka, answers would be wrong: say so instead. */
    private void requireStateReplayed(RoutingContext ctx) {
        if (!stateReady.getAsBoolean()) {
            throw ProblemException.unavailable("the session service is still reading its state from Kafka", 1);
        }
        ctx.next();
    }

    private void agentReport(RoutingContext ctx) {
        Principal agent = Principal.of(ctx);
        String sessionId = ctx.pathParam("sessionId");
        AgentReportBody body = RequestBody.read(ctx, AgentReportBody.class);
        AgentReport report = new AgentReport(sessionId, body.type(), body.userId(), body.hostId(), body.at());
        answer(ctx, sessionId, registry.onAgentReport(report, new AgentIdentity(agent.subject(), agent.tokenId()),
                clock.instant()));
    }

    private void list(RoutingContext ctx) {
        SessionQuery query = new SessionQuery(
                queryParam(ctx, "userId"),
                queryParam(ctx, "hostId"),
                queryParam(ctx, "poolId"),
                optionalState(queryParam(ctx, "state")));
        JsonAnswers.send(ctx, 200, registry.list(query).stream().map(SessionView::of).toList());
    }

    private void get(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sessionId");
        SessionView view = registry.find(sessionId).map(SessionView::of)
                .orElseThrow(() -> unknownSession(sessionId));
        JsonAnswers.send(ctx, 200, view);
    }

    private void logoff(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sessionId");
        answer(ctx, sessionId, registry.requestLogoff(sessionId, clock.instant()));
    }

    private void message(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sessionId");
        MessageBody body = RequestBody.read(ctx, MessageBody.class);
        answer(ctx, sessionId, registry.requestMessage(sessionId, body.message(), clock.instant()));
    }

    /**
     * The one mapping of the registry's decisions to answers. A decision that changes something is answered once
     * Kafka has acknowledged it; if Kafka does not, the change is undone and the answer is 503.
     */
    private void answer(RoutingContext ctx, String sessionId, SessionOutcome outcome) {
        if (outcome instanceof ReportOutcome.Accepted accepted) {
            publisher.publish(accepted.changes())
                    .onSuccess(published -> JsonAnswers.send(ctx, 202, new ReportAnswer(sessionId,
                            registry.find(sessionId).map(Session::state).orElse(null))))
                    .onFailure(error -> ctx.fail(kafkaUnavailable("the session change was not recorded")));
        } else if (outcome instanceof ReportOutcome.Held) {
            // Accepted for later: applied if the session's allocation to this host arrives within the hold time.
            JsonAnswers.send(ctx, 202, new HeldAnswer(sessionId, true));
        } else if (outcome instanceof ReportOutcome.Refused refused) {
            throw refusal(refused);
        } else if (outcome instanceof CommandDecision.SendCommand send) {
            HostCommandEvent command = send.command();
            publisher.command(command)
                    .onSuccess(sent -> JsonAnswers.send(ctx, 202,
                            new CommandAnswer(sessionId, command.hostId(), command.command(), command.commandId())))
                    .onFailure(error -> ctx.fail(
                            kafkaUnavailable("the " + command.command() + " command was not sent")));
        } else if (outcome instanceof CommandDecision.UnknownSession) {
            throw unknownSession(sessionId);
        } else if (outcome instanceof CommandDecision.AlreadyEnded) {
            throw ProblemException.conflict("session " + sessionId + " has already ended");
        } else {
            throw new IllegalStateException("no answer for " + outcome);
        }
    }

    private static ProblemException refusal(ReportOutcome.Refused refused) {
        return switch (refused.refusal()) {
            case NOT_THE_REPORTING_HOST, SESSION_ON_ANOTHER_HOST, HOST_NOT_REGISTERED ->
                    ProblemException.forbidden(refused.detail());
            case TOKEN_REVOKED -> new ProblemException(401, "Unauthorized", refused.detail());
            case SESSION_OF_ANOTHER_USER -> ProblemException.conflict(refused.detail());
            case TOO_MANY_HELD -> new ProblemException(429, "Too Many Requests", refused.detail(),
                    Map.of("Retry-After", String.valueOf(HELD_RETRY_AFTER_SECONDS)));
        };
    }

    private static ProblemException unknownSession(String sessionId) {
        return ProblemException.notFound("no session " + sessionId);
    }

    /** A write Kafka did not acknowledge in time (the producer gives up after 8 s): nothing changed. */
    private static ProblemException kafkaUnavailable(String what) {
        return ProblemException.unavailable("Kafka unavailable: " + what + "; retry", KAFKA_RETRY_AFTER_SECONDS);
    }

    /** An agent's report as its body says it; the path names the session. */
    record AgentReportBody(AgentEventType type, String userId, String hostId, Instant at) {
    }

    /** The answer to an applied report: the session's state once its record is on Kafka. */
    record ReportAnswer(String sessionId, @JsonInclude(JsonInclude.Include.NON_NULL) SessionState state) {
    }

    /** The answer to a report held for its session's allocation. */
    record HeldAnswer(String sessionId, boolean held) {
    }

    /** An operator's message for the session's user, as its body says it (1..1024 characters, per the document). */
    record MessageBody(String message) {
    }

    /** The answer to an operator's logoff or message: the command sent to the session's host, and its id. */
    record CommandAnswer(String sessionId, String hostId, HostCommandType command, String commandId) {
    }

    private static String queryParam(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.isEmpty() || values.get(0).isBlank()) {
            return null;
        }
        if (values.size() > 1) {
            throw ProblemException.badRequest("'" + name + "' may be given once");
        }
        return values.get(0);
    }

    /** The document allows an empty value (any state) or one of the states. */
    private static SessionState optionalState(String value) {
        return value == null ? null : SessionState.valueOf(value);
    }
}
