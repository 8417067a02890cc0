package io.berth.deploy.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.Collection;
import java.util.List;

/**
 * The calls of DESIGN.md section 4 that the demo fleet and the load generator make, as an operator, an
 * agent or a gateway would: the real HTTP API, nothing behind its back. Every call answers a future that
 * fails with an {@link ApiException} when the status is not the one the contract promises.
 */
public final class BerthApiClient implements AutoCloseable {

    private final WebClient client;
    private final BerthEndpoints endpoints;

    public BerthApiClient(Vertx vertx, BerthEndpoints endpoints, int maxConnectionsPerService) {
        this.endpoints = endpoints;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(5_000)
                .setIdleTimeout(60)
                .setUserAgent("berth-deploy"),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(maxConnectionsPerService).setMaxWaitQueueSize(-1));
    }

    // --- operator (admin token) ---

    public Future<JsonObject> putPool(String adminToken, String poolId, JsonObject pool) {
        return call("PUT pool " + poolId, admin(HttpMethod.PUT, endpoints.inventoryPort(), "/api/v1/hostpools/" + poolId, adminToken),
                pool, 200).map(HttpResponse::bodyAsJsonObject);
    }

    public Future<JsonObject> putAppGroup(String adminToken, String appGroupId, String poolId, String type,
                                          Collection<String> users, Collection<String> groups) {
        JsonObject body = new JsonObject()
                .put("poolId", poolId)
                .put("type", type)
                .put("users", new JsonArray(List.copyOf(users)))
                .put("groups", new JsonArray(List.copyOf(groups)));
        return call("PUT app group " + appGroupId,
                admin(HttpMethod.PUT, endpoints.inventoryPort(), "/api/v1/appgroups/" + appGroupId, adminToken), body, 200)
                .map(HttpResponse::bodyAsJsonObject);
    }

    /** A registration token for {@code poolId}, valid {@code ttlSeconds}. */
    public Future<String> registrationToken(String adminToken, String poolId, int ttlSeconds) {
        return call("POST registration token for " + poolId,
                admin(HttpMethod.POST, endpoints.inventoryPort(), "/api/v1/hostpools/" + poolId + "/registration-tokens", adminToken),
                new JsonObject().put("ttlSeconds", ttlSeconds), 201)
                .map(response -> response.bodyAsJsonObject().getString("token"));
    }

    public Future<JsonArray> hosts(String adminToken, String poolId) {
        return call("GET hosts of " + poolId,
                admin(HttpMethod.GET, endpoints.inventoryPort(), "/api/v1/hostpools/" + poolId + "/hosts", adminToken), null, 200)
                .map(HttpResponse::bodyAsJsonArray);
    }

    /** The sessions of a pool, in every state (ended ones stay listed for a day). */
    public Future<JsonArray> sessionsOfPool(String adminToken, String poolId) {
        return call("GET sessions of " + poolId,
                admin(HttpMethod.GET, endpoints.sessionPort(), "/api/v1/sessions", adminToken).addQueryParam("poolId", poolId),
                null, 200).map(HttpResponse::bodyAsJsonArray);
    }

    /** A session as the session service has it: {@code {sessionId, userId, hostId, poolId, state, ...}}. */
    public Future<JsonObject> session(String adminToken, String sessionId) {
        return call("GET session " + sessionId,
                admin(HttpMethod.GET, endpoints.sessionPort(), "/api/v1/sessions/" + sessionId, adminToken), null, 200)
                .map(HttpResponse::bodyAsJsonObject);
    }

    /** Creates or replaces scaling plan {@code planId} (DESIGN.md 7.3); answers the plan. */
    public Future<JsonObject> putScalingPlan(String adminToken, String planId, JsonObject plan) {
        return call("PUT scaling plan " + planId,
                admin(HttpMethod.PUT, endpoints.inventoryPort(), "/api/v1/scalingplans/" + planId, adminToken), plan, 200)
                .map(HttpResponse::bodyAsJsonObject);
    }

    /** A pool's scaling status: phase, capacity and the scaler's last actions (DESIGN.md 7.3). */
    public Future<JsonObject> scaling(String adminToken, String poolId) {
        return call("GET scaling of " + poolId,
                admin(HttpMethod.GET, endpoints.inventoryPort(), "/api/v1/hostpools/" + poolId + "/scaling", adminToken),
                null, 200).map(HttpResponse::bodyAsJsonObject);
    }

    public Future<Void> deleteHost(String adminToken, String hostId) {
        return call("DELETE host " + hostId,
                admin(HttpMethod.DELETE, endpoints.inventoryPort(), "/api/v1/hosts/" + hostId, adminToken), null, 204)
                .mapEmpty();
    }

    public Future<Void> deleteAppGroup(String adminToken, String appGroupId) {
        return call("DELETE app group " + appGroupId,
                admin(HttpMethod.DELETE, endpoints.inventoryPort(), "/api/v1/appgroups/" + appGroupId, adminToken), null, 204)
                .mapEmpty();
    }

    public Future<Void> deletePool(String adminToken, String poolId) {
        return call("DELETE pool " + poolId,
                admin(HttpMethod.DELETE, endpoints.inventoryPort(), "/api/v1/hostpools/" + poolId, adminToken), null, 204)
                .mapEmpty();
    }

    // --- agent ---

    /** Registers a host; answers {@code {hostId, poolId, agentToken, heartbeatSeconds}}. */
    public Future<JsonObject> register(String registrationToken, String hostName) {
        return register(registrationToken, hostName, null);
    }

    /**
     * Registers a host, or registers it again with its current agent token (a registered host id is taken
     * only with its own agent token, DESIGN.md 7.8); {@code agentToken} may be null.
     */
    public Future<JsonObject> register(String registrationToken, String hostName, String agentToken) {
        HttpRequest<Buffer> request = client.request(HttpMethod.POST, endpoints.inventoryPort(), endpoints.host(),
                "/api/v1/agent/register");
        if (agentToken != null) {
            request.bearerTokenAuthentication(agentToken);
        }
        return call("POST register " + hostName, request,
                new JsonObject().put("registrationToken", registrationToken).put("hostName", hostName), 201)
                .map(HttpResponse::bodyAsJsonObject);
    }

    /**
     * Registers the hosts in parallel; answers their registrations in the order of {@code hostNames}. A host id
     * already registered (409: a simulated fleet started again without its agents' tokens) is removed with the
     * admin token and registered anew, as DESIGN.md 7.8 allows an admin to.
     */
    public Future<List<JsonObject>> registerAllReplacing(String adminToken, String registrationToken,
                                                         List<String> hostNames) {
        List<Future<JsonObject>> registrations = hostNames.stream()
                .map(name -> register(registrationToken, name).recover(failure ->
                        failure instanceof ApiException refused && refused.status() == 409
                                ? deleteHost(adminToken, name).compose(removed -> register(registrationToken, name))
                                : Future.failedFuture(failure)))
                .toList();
        return Future.all(registrations).map(all -> registrations.stream().map(Future::result).toList());
    }

    /** Reports the host AVAILABLE with its sessions; answers the seconds until the next heartbeat. */
    public Future<Integer> heartbeat(String agentToken, String hostId, Collection<String> sessionIds) {
        return heartbeat(agentToken, hostId, HeartbeatReport.available(sessionIds))
                .map(HeartbeatAnswer::nextHeartbeatSeconds);
    }

    /**
     * A heartbeat saying what {@code report} says; answers when to send the next one and the host's commands.
     * {@code ackedCommandIds} and {@code load} are left out when there is nothing to say, as an agent of section
     * 4 would leave them out.
     */
    public Future<HeartbeatAnswer> heartbeat(String agentToken, String hostId, HeartbeatReport report) {
        JsonObject body = new JsonObject()
                .put("hostId", hostId)
                .put("status", report.status().name())
                .put("sessionIds", new JsonArray(List.copyOf(report.sessionIds())))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("name", "simulated").put("ok", true)));
        if (!report.ackedCommandIds().isEmpty()) {
            body.put("ackedCommandIds", new JsonArray(List.copyOf(report.ackedCommandIds())));
        }
        if (report.load() != null) {
            // Whole percents: what a host's counters give, and valid for an integer or a number schema alike.
            body.put("load", new JsonObject()
                    .put("cpuPct", Math.round(report.load().cpuPct()))
                    .put("memoryPct", Math.round(report.load().memoryPct())));
        }
        return call("POST heartbeat " + hostId,
                admin(HttpMethod.POST, endpoints.inventoryPort(), "/api/v1/agent/heartbeat", agentToken), body, 200)
                .map(response -> HeartbeatAnswer.of(response.bodyAsJsonObject()));
    }

    /** Reports {@code LOGON}, {@code DISCONNECT}, {@code RECONNECT} or {@code LOGOFF} of a session. */
    public Future<Void> sessionEvent(String agentToken, String sessionId, String type, String userId, String hostId) {
        JsonObject body = new JsonObject().put("type", type).put("userId", userId).put("hostId", hostId);
        return call("POST " + type + " " + sessionId,
                admin(HttpMethod.POST, endpoints.sessionPort(), "/api/v1/agent/sessions/" + sessionId + "/events", agentToken),
                body, 202).mapEmpty();
    }

    // --- gateway ---

    /** A connect request; answers the raw response, whatever its status (the caller decides what is success). */
    public Future<HttpResponse<Buffer>> connect(String gatewayToken, String userId, String appGroupId,
                                                Collection<String> groups) {
        return connect(gatewayToken, userId, appGroupId, groups, 30_000);
    }

    /** A connect request that fails if not answered within {@code timeoutMillis}. */
    public Future<HttpResponse<Buffer>> connect(String gatewayToken, String userId, String appGroupId,
                                                Collection<String> groups, long timeoutMillis) {
        JsonObject body = new JsonObject().put("userId", userId).put("appGroupId", appGroupId);
        if (!groups.isEmpty()) {
            body.put("groups", new JsonArray(List.copyOf(groups)));
        }
        return admin(HttpMethod.POST, endpoints.brokerPort(), "/api/v1/connect", gatewayToken)
                .timeout(timeoutMillis)
                .sendJsonObject(body);
    }

    /** The broker's no-op endpoint, for a baseline: answers the raw response. */
    public Future<HttpResponse<Buffer>> brokerLive(long timeoutMillis) {
        return client.request(HttpMethod.GET, endpoints.brokerPort(), endpoints.host(), "/health/live")
                .timeout(timeoutMillis)
                .send();
    }

    @Override
    public void close() {
        client.close();
    }

    private HttpRequest<Buffer> admin(HttpMethod method, int port, String path, String token) {
        return client.request(method, port, endpoints.host(), path).bearerTokenAuthentication(token);
    }

    private static Future<HttpResponse<Buffer>> call(String what, HttpRequest<Buffer> request, JsonObject body, int expected) {
        Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
        return sent.compose(response -> response.statusCode() == expected
                ? Future.succeededFuture(response)
                : Future.failedFuture(new ApiException(what, response.statusCode(), response.bodyAsString())));
    }
}
