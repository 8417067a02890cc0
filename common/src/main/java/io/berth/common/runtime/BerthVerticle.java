package io.berth.common.runtime;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.ServiceConfig;
import io.berth.common.http.ApiRouter;
import io.berth.common.http.ManagementRoutes;
import io.berth.common.http.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.concurrent.Callable;

/**
 * The base of each service's root verticle: access to its configuration, metrics and readiness, a router
 * with the shared API behaviour and the management routes, and the HTTP listener.
 */
public abstract class BerthVerticle extends VerticleBase {

    private final ServiceContext serviceContext;
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

    /** A router with request ids, the body limit, problem responses and the management routes. */
    protected Router apiRouter() {
        Router router = ApiRouter.create(vertx);
        ManagementRoutes.mount(router, readiness(), registry());
        return router;
    }

    /** Serves {@code router} on the configured host and port. */
    protected Future<HttpServer> listen(Router router) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(serviceConfig().http().host())
                .setPort(serviceConfig().http().port())
                .setMaxFormAttributeSize(8192)
                .setDecompressionSupported(false);
        return vertx.createHttpServer(options)
                .requestHandler(router)
                .listen()
                .onSuccess(s -> server = s);
    }

    /** The port the service listens on (the real one when configured with port 0). */
    public int httpPort() {
        return server == null ? -1 : server.actualPort();
    }

    /** Runs blocking work (Kafka admin, cache start) on a worker thread. */
    protected <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    @Override
    public Future<?> stop() throws Exception {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
