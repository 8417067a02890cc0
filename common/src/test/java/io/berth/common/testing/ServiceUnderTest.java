package io.berth.common.testing;

import io.berth.common.config.ServiceConfig;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.RunningService;
import io.berth.common.runtime.ServiceContext;
import io.berth.common.runtime.ServiceRuntime;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * Starts a service the way production does ({@link ServiceRuntime}) and waits until it says it is ready
 * ({@code /health/ready} answers 200): the one "start, then await ready" of every integration test. A
 * service is ready only once it has replayed its topics, so a test that sends requests earlier sees 503s.
 */
public final class ServiceUnderTest {

    /** Long enough for a start on a busy CI machine (topic creation, a JGroups view, a replay). */
    public static final Duration START_DEADLINE = Duration.ofSeconds(120);
    public static final Duration READY_DEADLINE = Duration.ofSeconds(60);

    private ServiceUnderTest() {
    }

    /** Starts the service against {@code config} (see {@link KafkaClusterExtension#serviceConfig}) and awaits ready. */
    public static RunningService start(ServiceConfig config,
                                       Function<ServiceContext, ? extends BerthVerticle> verticleFactory)
            throws Exception {
        RunningService service = startUnready(config, verticleFactory);
        try {
            awaitReady(service.httpPort(), READY_DEADLINE);
        } catch (RuntimeException | Error e) {
            stop(service);
            throw e;
        }
        return service;
    }

    /** Starts the service without waiting for ready: for tests of what it does before then, or of several nodes. */
    public static RunningService startUnready(ServiceConfig config,
                                              Function<ServiceContext, ? extends BerthVerticle> verticleFactory)
            throws Exception {
        return ServiceRuntime.start(config, verticleFactory).await(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Waits until the service listening on {@code port} (in this JVM or another) answers {@code /health/ready}
     * with 200. A refused connection or a timed-out answer (a busy machine, a process still starting) is
     * asked again.
     */
    public static void awaitReady(int port, Duration deadline) {
        ApiClient client = new ApiClient(port);
        await("service on port " + port + " ready").atMost(deadline).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(() -> client.get("/health/ready", null).status() == 200);
    }

    /** Stops the service (a null one is ignored, so a test's cleanup can call it whatever happened). */
    public static void stop(RunningService service) throws Exception {
        if (service != null) {
            service.close().await(60, TimeUnit.SECONDS);
        }
    }
}
