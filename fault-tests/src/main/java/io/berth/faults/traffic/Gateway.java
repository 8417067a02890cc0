package io.berth.faults.traffic;

import io.berth.deploy.client.BerthApiClient;
import io.berth.deploy.client.BerthEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client gateway in front of the broker nodes: one {@link BerthApiClient} per node (the deploy module's
 * client, no second one), a gateway token, and connects turned into {@link Answer}s whatever happens.
 */
public final class Gateway implements AutoCloseable {

    private final Map<String, BerthApiClient> nodes = new LinkedHashMap<>();
    private final String gatewayToken;
    private final long timeoutMillis;

    /** {@code brokerPorts}: node name → HTTP port on 127.0.0.1. */
    public Gateway(Vertx vertx, Map<String, Integer> brokerPorts, String gatewayToken, long timeoutMillis) {
        brokerPorts.forEach((node, port) -> nodes.put(node, new BerthApiClient(vertx,
                new BerthEndpoints("127.0.0.1", port, 0, 0), 32)));
        this.gatewayToken = gatewayToken;
        this.timeoutMillis = timeoutMillis;
    }

    public List<String> nodes() {
        return List.copyOf(nodes.keySet());
    }

    /** A connect of {@code userId} to {@code appGroupId} on {@code node}, due at {@code dueEpochMillis}. */
    public Future<Answer> connect(String node, String userId, String appGroupId, List<String> groups, long dueEpochMillis) {
        return nodes.get(node).connect(gatewayToken, userId, appGroupId, groups, timeoutMillis)
                .map(response -> {
                    long latency = System.currentTimeMillis() - dueEpochMillis;
                    JsonObject body = json(response.bodyAsString());
                    if (response.statusCode() == 200) {
                        return new Answer(node, userId, dueEpochMillis, latency, 200, "", body.getString("sessionId"),
                                body.getString("hostId"), body.getBoolean("reconnect", false));
                    }
                    String detail = body.getString("detail", response.bodyAsString() == null ? "" : response.bodyAsString());
                    return new Answer(node, userId, dueEpochMillis, latency, response.statusCode(), detail, null, null, false);
                })
                .otherwise(failure -> new Answer(node, userId, dueEpochMillis, System.currentTimeMillis() - dueEpochMillis,
                        Answer.NO_ANSWER, String.valueOf(failure.getMessage()), null, null, false));
    }

    @Override
    public void close() {
        nodes.values().forEach(BerthApiClient::close);
    }

    private static JsonObject json(String body) {
        if (body == null || body.isBlank()) {
            return new JsonObject();
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject();
        }
    }
}
