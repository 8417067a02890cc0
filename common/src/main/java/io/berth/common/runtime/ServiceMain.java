package io.berth.common.runtime;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@code main} of a service running alone in its process: loads its configuration, starts it, exits 1
 * with a clear message when it cannot start, and stops it cleanly on SIGTERM.
 */
public final class ServiceMain {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

    private ServiceMain() {
    }

    public static void run(ServiceName service, Function<ServiceContext, ? extends BerthVerticle> verticleFactory) {
        ServiceConfig config;
        try {
            config = ServiceConfig.load(service, Env.system());
        } catch (ConfigException e) {
            System.err.println(service.id() + ": invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        RunningService running;
        try {
            running = ServiceRuntime.start(config, verticleFactory)
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.error("{} failed to start: {}", service.id(), cause.getMessage(), cause);
            System.err.println(service.id() + " failed to start: " + cause.getMessage());
            System.exit(1);
            return;
        }
        LOG.info("{} listening on port {} (Kafka {})", service.id(), running.httpPort(),
                config.kafka().bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly", service.id(), e);
            }
        }, service.id() + "-shutdown"));
    }
}
