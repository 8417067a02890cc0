package io.berth.common.runtime;

import io.berth.common.config.ServiceConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A started service: its Vert.x instance, root verticle and port. {@link #close()} stops it all. */
public final class RunningService {

    private final ServiceConfig config;
    private final Vertx vertx;
    private final BerthVerticle verticle;
    private final PrometheusMeterRegistry registry;

    RunningService(ServiceConfig config, Vertx vertx, BerthVerticle verticle, PrometheusMeterRegistry registry) {
        this.config = config;
        this.vertx = vertx;
        this.verticle = verticle;
        this.registry = registry;
    }

    public ServiceConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    public BerthVerticle verticle() {
        return verticle;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public int httpPort() {
        return verticle.httpPort();
    }

    /** Undeploys the verticle (closing its clients and server) and closes Vert.x. */
    public Future<Void> close() {
        return vertx.close().onComplete(v -> registry.close());
    }
}
