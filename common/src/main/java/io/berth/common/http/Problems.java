package io.berth.common.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Set;

/** The one writer of {@code application/problem+json} responses (RFC 9457). */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://berth.dev/problems/";
    /** The members this writer sets itself; extension members take other names. */
    static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    private Problems() {
    }

    public static void send(RoutingContext ctx, ProblemException problem) {
        send(ctx.response(), ctx.get(ApiRouter.REQUEST_ID), problem.status(), problem.title(), problem.detail(),
                problem.headers(), problem.members());
    }

    public static void send(RoutingContext ctx, int status, String title, String detail) {
        send(ctx, status, title, detail, Map.of());
    }

    public static void send(RoutingContext ctx, int status, String title, String detail, Map<String, String> headers) {
        send(ctx.response(), ctx.get(ApiRouter.REQUEST_ID), status, title, detail, headers);
    }

    /**
     * Writes a problem on a bare response: for answers given before a request reaches a router (an invalid
     * request line or headers). {@code requestId} may be null.
     */
    public static void send(HttpServerResponse response, String requestId, int status, String title, String detail,
                            Map<String, String> headers) {
        send(response, requestId, status, title, detail, headers, Map.of());
    }

    private static void send(HttpServerResponse response, String requestId, int status, String title, String detail,
                             Map<String, String> headers, Map<String, String> members) {
        if (response.headWritten()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", TYPE_BASE + status)
                .put("title", title)
                .put("status", status)
                .put("detail", detail == null ? title : detail);
        if (requestId != null) {
            body.put("instance", "urn:berth:request:" + requestId);
        }
        members.forEach(body::put);
        response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
        headers.forEach(response::putHeader);
        response.end(body.toBuffer());
    }
}
