package io.berth.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small synchronous client of the inventory's HTTP API for tests. */
final class InventoryApi {

    /** One answer: status, content type, body and the Retry-After header (null when absent). */
    record Answer(int status, String contentType, String body, String retryAfter) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array() {
            return new JsonArray(body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile int port;

    InventoryApi(int port) {
        this.port = port;
    }

    void port(int port) {
        this.port = port;
    }

    Answer get(String path, String token) {
        return send("GET", path, token, null);
    }

    Answer put(String path, String token, Object body) {
        return send("PUT", path, token, body);
    }

    Answer post(String path, String token, Object body) {
        return send("POST", path, token, body);
    }

    Answer patch(String path, String token, Object body) {
        return send("PATCH", path, token, body);
    }

    Answer delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** {@code body}: a JsonObject/JsonArray, or a String sent as it is (for malformed JSON). */
    Answer send(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
