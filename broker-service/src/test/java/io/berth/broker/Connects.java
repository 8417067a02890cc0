package io.berth.broker;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.List;

/** Connect requests as a gateway sends them. */
final class Connects {

    private final WebClient web;
    private final String gatewayToken;

    Connects(WebClient web, String gatewayToken) {
        this.web = web;
        this.gatewayToken = gatewayToken;
    }

    Future<HttpResponse<Buffer>> connect(int port, String userId, String appGroupId, List<String> groups,
                                         String idempotencyKey) {
        JsonObject body = new JsonObject().put("userId", userId).put("appGroupId", appGroupId);
        if (groups != null) {
            body.put("groups", new JsonArray(groups));
        }
        var request = web.post(port, "127.0.0.1", "/api/v1/connect")
                .putHeader("Authorization", "Bearer " + gatewayToken);
        if (idempotencyKey != null) {
            request.putHeader("Idempotency-Key", idempotencyKey);
        }
        return request.sendJsonObject(body);
    }

    Future<HttpResponse<Buffer>> connect(int port, String userId, String appGroupId) {
        return connect(port, userId, appGroupId, List.of("staff"), null);
    }
}
