package io.berth.inventory.api;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.auth.Principal;
import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.http.JsonAnswers;
import io.berth.common.http.ProblemException;
import io.berth.common.http.RequestBody;
import io.berth.inventory.domain.AgentCredential;
import io.berth.inventory.domain.AgentRegistration;
import io.berth.inventory.domain.Decision;
import io.berth.inventory.domain.Heartbeat;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.berth.inventory.domain.RegisteredHost;
import io.berth.inventory.domain.RegistrationTokenRequest;
import io.berth.inventory.domain.RegistrationTokens;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The inventory's HTTP API (DESIGN.md section 4): the one place its routes are mounted, each one an operation of
 * {@value #CONTRACT}, which the router checks every request against before a handler runs. A handler decodes
 * the request, asks the {@link Inventory} (through {@link InventoryWrites} for anything that changes it) and
 * answers the {@link InventoryOutcome}: a decision's answer as JSON, a refusal as a problem.
 */
public final class InventoryApi {

    /** The OpenAPI document on the class path (distinct per service: berth-local.jar holds all three). */
    public static final String CONTRACT = "openapi/inventory-service.yaml";

    /** Agent tokens outlive any sane host; a re-registration or a host's removal revokes them at once. */
    private static final Duration AGENT_TOKEN_TTL = Duration.ofDays(365);
    /** How long a caller waits before retrying a registration on an instance without a signing secret. */
    private static final int NO_SECRET_RETRY_AFTER_SECONDS = 60;

    /** What the API counts. */
    public interface Counters {
        void registration(boolean accepted);

        void heartbeatAccepted();
    }

    private final Inventory inventory;
    private final InventoryWrites writes;
    private final JwtAuthentication jwt;
    private final Optional<TokenIssuer> agentTokens;
    private final Counters counters;
    private final Clock clock;
    private final RegistrationTokens registrationTokens = new RegistrationTokens();

    /** @param agentTokens signs agent tokens; empty without an HS256 secret (registration then answers 503) */
    public InventoryApi(Inventory inventory, InventoryWrites writes, JwtAuthentication jwt,
                        Optional<TokenIssuer> agentTokens, Counters counters, Clock clock) {
        this.inventory = inventory;
        this.writes = writes;
        this.jwt = jwt;
        this.agentTokens = agentTokens;
        this.counters = counters;
        this.clock = clock;
    }

    /** Mounts every route of the API on {@code router}, each behind {@code gate} (state rebuilt, writes to the writer). */
    public void mount(Router router, Handler<RoutingContext> gate) {
        Handler<RoutingContext> admin = jwt.require(Role.ADMIN);
        router.route("/api/v1/*").handler(gate);

        router.get("/api/v1/hostpools").handler(admin).handler(ctx -> answer(ctx, 200, () -> read(inventory.pools())));
        router.get("/api/v1/hostpools/:poolId").handler(admin)
                .handler(ctx -> answer(ctx, 200, () -> now(inventory.poolView(ctx.pathParam("poolId")))));
        router.put("/api/v1/hostpools/:poolId").handler(admin).handler(ctx -> answer(ctx, 200, () -> {
            var pool = RequestBodies.pool(ctx.pathParam("poolId"),
                    RequestBody.read(ctx, RequestBodies.PoolBody.class));
            return writes.exclusive(() -> inventory.putPool(pool));
        }));
        router.delete("/api/v1/hostpools/:poolId").handler(admin).handler(ctx -> answer(ctx, 204,
                () -> writes.exclusive(() -> inventory.deletePool(ctx.pathParam("poolId")))));
        router.post("/api/v1/hostpools/:poolId/registration-tokens").handler(admin).handler(ctx -> answer(ctx, 201, () -> {
            var request = RequestBody.read(ctx, RegistrationTokenRequest.class);
            String token = registrationTokens.newToken();
            return writes.exclusive(() -> inventory.createRegistrationToken(ctx.pathParam("poolId"), token, request,
                    clock.instant()));
        }));
        router.get("/api/v1/hostpools/:poolId/hosts").handler(admin)
                .handler(ctx -> answer(ctx, 200, () -> now(inventory.hostsOf(ctx.pathParam("poolId")))));

        router.get("/api/v1/hosts/:hostId").handler(admin)
                .handler(ctx -> answer(ctx, 200, () -> now(inventory.hostView(ctx.pathParam("hostId")))));
        router.patch("/api/v1/hosts/:hostId").handler(admin).handler(ctx -> answer(ctx, 200, () -> {
            var patch = RequestBodies.hostPatch(RequestBody.read(ctx, RequestBodies.HostPatchBody.class),
                    ctx.body().asJsonObject().containsKey("assignedUser"));
            return writes.exclusive(() -> inventory.patchHost(ctx.pathParam("hostId"), patch));
        }));
        router.delete("/api/v1/hosts/:hostId").handler(admin).handler(ctx -> answer(ctx, 204,
                () -> writes.exclusive(() -> inventory.removeHost(ctx.pathParam("hostId")))));

        router.get("/api/v1/appgroups").handler(admin).handler(ctx -> answer(ctx, 200, () -> read(inventory.appGroups())));
        router.get("/api/v1/appgroups/:appGroupId").handler(admin)
                .handler(ctx -> answer(ctx, 200, () -> now(inventory.appGroupView(ctx.pathParam("appGroupId")))));
        router.put("/api/v1/appgroups/:appGroupId").handler(admin).handler(ctx -> answer(ctx, 200, () -> {
            var group = RequestBodies.appGroup(ctx.pathParam("appGroupId"),
                    RequestBody.read(ctx, RequestBodies.AppGroupBody.class));
            return writes.exclusive(() -> inventory.putAppGroup(group));
        }));
        router.delete("/api/v1/appgroups/:appGroupId").handler(admin).handler(ctx -> answer(ctx, 204,
                () -> writes.exclusive(() -> inventory.deleteAppGroup(ctx.pathParam("appGroupId")))));

        new ScalingApi(inventory, writes, clock).mount(router, admin);

        router.post("/api/v1/agent/register").handler(this::register);
        router.post("/api/v1/agent/heartbeat").handler(jwt.require(Role.AGENT)).handler(this::heartbeat);
    }

    private void register(RoutingContext ctx) {
        answer(ctx, 201, () -> {
            TokenIssuer issuer = agentTokens.orElseThrow(() -> ProblemException.unavailable(
                    "agent registration needs BERTH_JWT_SECRET on this service", NO_SECRET_RETRY_AFTER_SECONDS));
            var request = RequestBody.read(ctx, AgentRegistration.class);
            String agentTokenId = UUID.randomUUID().toString();
            return presentedAgentToken(ctx)
                    .compose(presented -> writes.exclusive(() -> inventory.register(request, presented, agentTokenId,
                            clock.instant())))
                    .map(outcome -> outcome.map(host -> registrationAnswer(issuer, host)));
        }).onComplete(outcome -> counters.registration(outcome.succeeded() && outcome.result() instanceof Decision));
    }

    /**
     * The agent token a registration carries, if any: only a host's own current agent token lets it register
     * again. A bearer token that does not verify is a 401; a valid one without the agent role counts as none.
     */
    private Future<Optional<AgentCredential>> presentedAgentToken(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Future.succeededFuture(Optional.empty());
        }
        return jwt.authenticate(header.substring(7).trim()).map(principal -> principal.roles().contains(Role.AGENT)
                ? Optional.of(new AgentCredential(principal.subject(), principal.tokenId()))
                : Optional.empty());
    }

    private static Map<String, Object> registrationAnswer(TokenIssuer issuer, RegisteredHost host) {
        String agentToken = issuer.issue(host.hostId(), List.of(Role.AGENT), AGENT_TOKEN_TTL,
                Map.of("jti", host.agentTokenId()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("hostId", host.hostId());
        answer.put("poolId", host.poolId());
        answer.put("agentToken", agentToken);
        answer.put("heartbeatSeconds", host.heartbeatSeconds());
        return answer;
    }

    private void heartbeat(RoutingContext ctx) {
        Principal agent = Principal.of(ctx);
        answer(ctx, 200, () -> {
            Heartbeat heartbeat = RequestBody.read(ctx, Heartbeat.class);
            return writes.perHost(heartbeat.hostId(), () -> inventory.agentHeartbeat(agent.subject(),
                    agent.tokenId(), heartbeat, clock.instant()));
        }).onSuccess(outcome -> {
            if (outcome instanceof Decision) {
                counters.heartbeatAccepted();
            }
        });
    }

    private static <T> Future<InventoryOutcome<T>> read(T answer) {
        return now(InventoryOutcome.answer(answer));
    }

    static <T> Future<InventoryOutcome<T>> now(InventoryOutcome<T> outcome) {
        return Future.succeededFuture(outcome);
    }

    /**
     * Runs {@code action} and answers its outcome: a decision's answer as JSON (or an empty 204), a refusal or
     * a failure as a problem. The returned future is the action's, for counting.
     */
    static <T> Future<InventoryOutcome<T>> answer(RoutingContext ctx, int status,
                                                          Supplier<Future<InventoryOutcome<T>>> action) {
        Future<InventoryOutcome<T>> result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.onSuccess(outcome -> {
            if (outcome instanceof InventoryOutcome.Refused<T> refused) {
                ctx.fail(problem(refused));
            } else if (status == 204) {
                ctx.response().setStatusCode(204).end();
            } else {
                JsonAnswers.send(ctx, status, ((Decision<T>) outcome).answer());
            }
        }).onFailure(ctx::fail);
    }

    /** The one mapping of the domain's refusals to HTTP. */
    static ProblemException problem(InventoryOutcome.Refused<?> refused) {
        return switch (refused.refusal()) {
            case INVALID -> ProblemException.badRequest(refused.detail());
            case UNAUTHENTICATED -> new ProblemException(401, "Unauthorized", refused.detail());
            case FORBIDDEN -> ProblemException.forbidden(refused.detail());
            case NOT_FOUND -> ProblemException.notFound(refused.detail());
            case CONFLICT -> ProblemException.conflict(refused.detail());
        };
    }
}
