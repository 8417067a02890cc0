package io.berth.common.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.berth.common.http.ApiContract;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.ServiceName;
import io.berth.common.testing.KafkaClusterExtension;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service's HTTP server under a hostile client: a body that never arrives is cut at the deadline, an idle
 * connection is closed, connections beyond the cap are refused, oversized request lines and headers get a
 * problem, and a client that hangs up mid-request is no error.
 */
class HttpBoundsIT {

    @RegisterExtension
    static KafkaClusterExtension kafka = new KafkaClusterExtension();

    private static final int MAX_CONNECTIONS = 4;
    private static final long DEADLINE_MILLIS = 500;
    private static RunningService service;
    private static final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    /** A service with one JSON endpoint. */
    static final class EchoVerticle extends BerthVerticle {

        EchoVerticle(ServiceContext context) {
            super(context);
        }

        @Override
        public Future<?> start() {
            return blocking(() -> ApiContract.load(vertx, "openapi/test-service.yaml")).compose(contract -> {
                var router = apiRouter(contract);
                router.put("/echo").handler(ctx -> ctx.json(ctx.body().asJsonObject()));
                return listen(router);
            });
        }
    }

    @BeforeAll
    static void start() throws Exception {
        logged.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logged);
        service = ServiceRuntime.start(kafka.serviceConfig(ServiceName.SESSION, Map.of(
                HttpConfig.REQUEST_DEADLINE, String.valueOf(DEADLINE_MILLIS),
                HttpConfig.IDLE_TIMEOUT, "2",
                HttpConfig.MAX_CONNECTIONS, String.valueOf(MAX_CONNECTIONS))), EchoVerticle::new)
                .await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        service.close().await(30, TimeUnit.SECONDS);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", service.httpPort());
        // A bound on every read: a test never waits longer than this for an answer or a close.
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Everything the server sends until it closes the connection. */
    private static String readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            received.write(buffer, 0, n);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    private static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return readUntilClosed(socket);
    }

    @Test
    void aBodyThatDoesNotArriveIsCutAtTheDeadlineWith408AndTheConnectionClosed() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();

            String answer = exchange(socket, "PUT /echo HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"size\":");

            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json", "\"status\":408");
            assertThat(tookMillis).isBetween(DEADLINE_MILLIS - 50, DEADLINE_MILLIS + 5_000);
        }
    }

    @Test
    void aWholeRequestWithinTheDeadlineIsServed() throws Exception {
        try (Socket socket = connect()) {
            String answer = exchange(socket, "PUT /echo HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10\r\nConnection: close\r\n\r\n{\"size\":3}");

            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("{\"size\":3}");
        }
    }

    @Test
    void javasHttpClientWithItsH2cUpgradeIsServed() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + service.httpPort() + "/health/live"))
                .timeout(Duration.ofSeconds(10)).build();

        for (int i = 0; i < 3; i++) {
            assertThat(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();

            assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(8));
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        // Connections of the other tests are closed; wait until the server has counted them out.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                service.registry().get("berth_http_connections_open").gauge().value() == 0);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                Socket socket = connect();
                held.add(socket);
                // Each held connection has been accepted and counted once it has been answered.
                socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: berth\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 200");
            }

            try (Socket oneTooMany = connect()) {
                String answer;
                try {
                    answer = exchange(oneTooMany, "GET /health/live HTTP/1.1\r\nHost: berth\r\n\r\n");
                } catch (SocketTimeoutException | java.net.SocketException closed) {
                    answer = "";
                }
                assertThat(answer).as("no answer on the connection over the cap").isEmpty();
            }
            assertThat(service.registry().get("berth_http_connections_refused").counter().count()).isPositive();

            held.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                try (Socket again = connect()) {
                    return exchange(again, "GET /health/live HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n")
                            .startsWith("HTTP/1.1 200");
                }
            });
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void anOversizedRequestLineIs414AndOversizedHeadersAre431AsProblems() throws Exception {
        try (Socket socket = connect()) {
            String answer = exchange(socket, "GET /echo?q=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: berth\r\n\r\n");

            assertThat(answer).matches("(?s)HTTP/1\\.[01] 414 .*").contains("application/problem+json", "\"status\":414");
        }
        try (Socket socket = connect()) {
            String answer = exchange(socket, "GET /health/live HTTP/1.1\r\nHost: berth\r\nX-Pad: "
                    + "b".repeat(9000) + "\r\n\r\n");

            assertThat(answer).matches("(?s)HTTP/1\\.[01] 431 .*").contains("application/problem+json", "\"status\":431");
        }
    }

    @Test
    void aClientThatHangsUpMidRequestIsNoError() throws Exception {
        int before = errors();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("PUT /echo HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"size\":").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        }

        try (Socket socket = connect()) {
            assertThat(exchange(socket, "GET /health/live HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n"))
                    .as("still serving").startsWith("HTTP/1.1 200");
        }
        assertThat(errors()).as("no ERROR logged for the hang-up").isEqualTo(before);
    }

    private static int errors() {
        synchronized (logged) {
            return (int) List.copyOf(logged.list).stream().filter(event -> event.getLevel() == Level.ERROR).count();
        }
    }
}
