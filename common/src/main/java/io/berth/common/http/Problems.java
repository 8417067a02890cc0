package io.berth.common.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/** The one writer of {@code application/problem+json} responses (RFC 9457). */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://berth.dev/problems/";

    private Problems() {
    }

    public static void send(RoutingContext ctx, ProblemException problem) {
        send(ctx, problem.status(), problem.title(), problem.detail(), problem.headers());
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
        response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
        headers.forEach(response::putHeader);
        response.end(body.toBuffer());
    }
}
