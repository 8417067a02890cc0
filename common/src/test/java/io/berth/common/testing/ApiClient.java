package io.berth.common.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small synchronous client of a Berth HTTP API on 127.0.0.1, for tests: one call is one request, its
 * answer read in full. A transport failure is an {@link UncheckedIOException}, so a test can wait it out.
 */
public final class ApiClient {

    /** One answer: status, content type, body and the Retry-After header (null when absent). */
    public record Answer(int status, String contentType, String body, String retryAfter) {

        static Answer of(HttpResponse<String> response) {
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers().firstValue("Retry-After").orElse(null));
        }

        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }
    }

    /** One JDK client for every test in the JVM: it is thread-safe, and each one costs a selector thread. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private volatile int port;

    public ApiClient(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Points the client at a restarted service. */
    public void port(int port) {
        this.port = port;
    }

    public Answer get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Answer put(String path, String token, Object body) {
        return send("PUT", path, token, body);
    }

    public Answer post(String path, String token, Object body) {
        return send("POST", path, token, body);
    }

    public Answer patch(String path, String token, Object body) {
        return send("PATCH", path, token, body);
    }

    public Answer delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** {@code body}: a JsonObject/JsonArray, or a String sent as it is (for malformed JSON); null for none. */
    public Answer send(String method, String path, String token, Object body) {
        return Answer.of(exchange(method, path, token, body));
    }

    /**
     * The JDK's response itself, for a test that looks at the request it answers or at any header. A body is
     * sent as application/json; {@code token} (without "Bearer ") goes in the Authorization header.
     */
    public HttpResponse<String> exchange(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", TestTokens.bearer(token));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
