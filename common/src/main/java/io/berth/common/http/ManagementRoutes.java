package io.berth.common.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Map;

/** {@code /health/live}, {@code /health/ready} and {@code /metrics}, mounted on every service's router. */
public final class ManagementRoutes {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private ManagementRoutes() {
    }

    public static void mount(Router router, Readiness readiness, PrometheusMeterRegistry registry) {
        router.get("/health/live").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "UP").toBuffer()));
        router.get("/health/ready").handler(ctx -> {
            Map<String, Boolean> checks = readiness.check();
            boolean ready = readiness.isReady();
            JsonObject checkJson = new JsonObject();
            checks.forEach((name, ok) -> checkJson.put(name, ok ? "UP" : "DOWN"));
            JsonObject answer = new JsonObject().put("status", ready ? "UP" : "DOWN").put("checks", checkJson);
            Map<String, String> notes = readiness.notes();
            if (!notes.isEmpty()) {
                answer.put("notes", new JsonObject(new java.util.LinkedHashMap<String, Object>(notes)));
            }
            ctx.response()
                    .setStatusCode(ready ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(answer.toBuffer());
        });
        router.get("/metrics").handler(ctx -> ctx.vertx()
                .executeBlocking(registry::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(text))
                .onFailure(ctx::fail));
    }
}
