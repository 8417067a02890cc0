package io.berth.deploy.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Plain blocking GETs to a Berth service on 127.0.0.1, for whoever starts services and waits on them (the
 * launcher, the fault suite): whether {@code /health/ready} answers 200 (consuming its topics, caught up),
 * waiting until it does, and the body of a management page such as {@code /metrics}.
 */
public final class ReadinessProbe {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Whether the service on {@code port} answers {@code /health/ready} with 200 now. */
    public boolean ready(int port) {
        try {
            return get(port, "/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Polls {@code what}'s {@code /health/ready} on {@code port} until it answers 200. Throws
     * {@link NotReadyException} when {@code within} has passed (naming the last answer), or at once when
     * {@code running} says the process has exited.
     */
    public void awaitReady(String what, int port, Duration within, BooleanSupplier running) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (true) {
            if (!running.getAsBoolean()) {
                throw new NotReadyException(what + " exited before it was ready");
            }
            try {
                HttpResponse<String> response = get(port, "/health/ready");
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReadyException("interrupted while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new NotReadyException(what + " was not ready within " + within.toSeconds()
                        + " s (last answer: " + last + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS); // polling an HTTP endpoint from a plain thread: nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReadyException("interrupted while waiting for " + what);
            }
        }
    }

    /** The body of a GET on 127.0.0.1 (metrics, health); empty when it does not answer 200 in time. */
    public String body(int port, String path) {
        try {
            HttpResponse<String> response = get(port, path);
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A service did not become ready; the message says which and why. */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }
}
