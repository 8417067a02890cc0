package io.berth.common.runtime;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.ServiceConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.http.ManagementRoutes;
import io.berth.common.http.Problems;
import io.berth.common.http.Readiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The base of each service's root verticle: access to its configuration, metrics and readiness, a router
 * with the shared API behaviour and the management routes, and the HTTP listener.
 */
public abstract class BerthVerticle extends VerticleBase {

    /** Netty's defaults, named: Berth's paths and query strings are short, its headers a token and a few more. */
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(BerthVerticle.class);

    private final ServiceContext serviceContext;
    private final Shutdown shutdown = new Shutdown();
    private JwtAuthentication jwt;
    private HttpServer server;

    protected BerthVerticle(ServiceContext serviceContext) {
        this.serviceContext = serviceContext;
    }

    protected ServiceConfig serviceConfig() {
        return serviceContext.config();
    }

    protected PrometheusMeterRegistry registry() {
        return serviceContext.registry();
    }

    protected Readiness readiness() {
        return serviceContext.readiness();
    }

    /** The token verifier for this service's protected routes. */
    protected JwtAuthentication jwt() {
        if (jwt == null) {
            jwt = new JwtAuthentication(vertx, serviceConfig().auth());
        }
        return jwt;
    }

    /**
     * The service's API router (request ids, the request deadline, the body limit, problem responses, requests
     * validated against {@code contract}, which it serves at {@value ApiRouter#OPENAPI_PATH}) with the
     * management routes.
     */
    protected Router apiRouter(ApiContract contract) {
        Router router = ApiRouter.create(vertx, serviceConfig().http().requestDeadline(), contract);
        ManagementRoutes.mount(router, readiness(), registry());
        return router;
    }

    /**
     * Serves {@code router} on the configured host and port, within the configured bounds: idle connections
     * closed, at most so many connections at once, an oversized request line or header block answered with
     * a problem (414, 431) and the connection closed.
     */
    protected Future<HttpServer> listen(Router router) {
        HttpConfig http = serviceConfig().http();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                .setIdleTimeout((int) http.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxFormAttributeSize(8192)
                .setDecompressionSupported(false)
                // The API is HTTP/1.1 (DESIGN.md section 4). A client offering an h2c upgrade (Java's HttpClient
                // does by default) stays on HTTP/1.1: an upgraded connection bypassed the connection cap's
                // bookkeeping and its first request hung.
                .setHttp2ClearTextEnabled(false);
        ConnectionCap cap = new ConnectionCap(http.maxConnections(), registry());
        return vertx.createHttpServer(options)
                .connectionHandler(cap::admit)
                .invalidRequestHandler(BerthVerticle::answerInvalidRequest)
                .exceptionHandler(BerthVerticle::connectionFailed)
                .requestHandler(router)
                .listen()
                .onSuccess(s -> server = s);
    }

    /** Netty could not parse the request: answered as a problem, like everything else, then closed. */
    private static void answerInvalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String title;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            title = "URI Too Long";
            detail = "the request line is longer than " + MAX_REQUEST_LINE_BYTES + " bytes";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            title = "Request Header Fields Too Large";
            detail = "the request headers are larger than " + MAX_HEADER_BYTES + " bytes";
        } else {
            status = 400;
            title = "Bad Request";
            detail = "the request is not valid HTTP";
        }
        request.response().endHandler(ended -> request.connection().close());
        Problems.send(request.response(), null, status, title, detail, Map.of("Connection", "close"));
    }

    /**
     * A connection failed outside any request: a client that hung up or reset is routine (DEBUG); anything
     * else is worth a warning.
     */
    private static void connectionFailed(Throwable failure) {
        if (failure instanceof IOException || failure instanceof HttpClosedException) {
            LOG.debug("HTTP connection closed by the client: {}", failure.toString());
        } else {
            LOG.warn("HTTP connection failed", failure);
        }
    }

    /**
     * Closes connections beyond the cap as soon as they are accepted: a client that opens many connections
     * and keeps them open cannot use up the process's file descriptors and memory.
     */
    private static final class ConnectionCap {

        private final int max;
        private final AtomicInteger open = new AtomicInteger();
        private final Counter refused;

        ConnectionCap(int max, MeterRegistry registry) {
            this.max = max;
            this.refused = Counter.builder("berth_http_connections_refused")
                    .description("Connections closed at once because " + HttpConfig.MAX_CONNECTIONS + " were open")
                    .register(registry);
            Gauge.builder("berth_http_connections_open", open, AtomicInteger::get)
                    .description("HTTP connections open now").register(registry);
        }

        void admit(HttpConnection connection) {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                refused.increment();
                connection.close();
                return;
            }
            connection.closeHandler(closed -> open.decrementAndGet());
        }
    }

    /** The port the service listens on (the real one when configured with port 0). */
    public int httpPort() {
        return server == null ? -1 : server.actualPort();
    }

    /**
     * What {@link #stop()} undoes after the HTTP server has closed: register each client, reader or cache
     * as {@code start()} creates it; they are closed last-registered first.
     */
    protected Shutdown shutdown() {
        return shutdown;
    }

    /** Runs blocking work (Kafka admin, cache start) on a worker thread. */
    protected <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** Closes the HTTP server (no new requests), then runs {@link #shutdown()}. */
    @Override
    public Future<?> stop() throws Exception {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> shutdown.run(vertx));
    }
}
