package io.berth.deploy.client;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The readiness client the launcher and the fault suite share, against a real HTTP server on 127.0.0.1. */
class ReadinessProbeIT {

    private final ReadinessProbe probe = new ReadinessProbe();
    private final AtomicInteger asked = new AtomicInteger();
    private volatile int readyFromRequest = Integer.MAX_VALUE;
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/ready", exchange -> {
            boolean ready = asked.incrementAndGet() >= readyFromRequest;
            byte[] body = (ready ? "ready" : "catching up").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/metrics", exchange -> {
            byte[] body = "berth_up 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void waitsUntilTheServiceAnswersReady() {
        // given a service that is ready from its third answer on
        readyFromRequest = 3;

        // when
        probe.awaitReady("inventory", port(), Duration.ofSeconds(30), () -> true);

        // then
        assertThat(asked).hasValue(3);
        assertThat(probe.ready(port())).isTrue();
    }

    @Test
    void aServiceNeverReadyFailsAtTheDeadlineWithItsLastAnswer() {
        assertThatThrownBy(() -> probe.awaitReady("session", port(), Duration.ofMillis(300), () -> true))
                .isInstanceOf(ReadinessProbe.NotReadyException.class)
                .hasMessageContaining("session was not ready within 0 s")
                .hasMessageContaining("last answer: 503 catching up");
        assertThat(probe.ready(port())).isFalse();
    }

    @Test
    void aProcessThatExitedFailsAtOnce() {
        assertThatThrownBy(() -> probe.awaitReady("broker-2", port(), Duration.ofMinutes(5), () -> false))
                .isInstanceOf(ReadinessProbe.NotReadyException.class)
                .hasMessage("broker-2 exited before it was ready");
        assertThat(asked).hasValue(0);
    }

    @Test
    void bodyIsThePageOrEmptyWhenItIsNot200() {
        assertThat(probe.body(port(), "/metrics")).isEqualTo("berth_up 1\n");
        assertThat(probe.body(port(), "/health/ready")).isEmpty();
        assertThat(probe.body(port(), "/no-such-page")).isEmpty();
    }

    private int port() {
        return server.getAddress().getPort();
    }
}
