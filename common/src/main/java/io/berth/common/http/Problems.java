package io.berth.common.http;

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
        if (ctx.response().headWritten()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", TYPE_BASE + status)
                .put("title", title)
                .put("status", status)
                .put("detail", detail == null ? title : detail);
        String requestId = ctx.get(ApiRouter.REQUEST_ID);
        if (requestId != null) {
            body.put("instance", "urn:berth:request:" + requestId);
        }
        var response = ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
        headers.forEach(response::putHeader);
        response.end(body.toBuffer());
    }
}
