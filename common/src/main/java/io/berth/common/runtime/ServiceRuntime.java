package io.berth.common.runtime;

import io.berth.common.config.ServiceConfig;
import io.berth.common.http.Readiness;
import io.berth.common.kafka.TopicBootstrapper;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Starts one service: a Vert.x instance reporting to its own Prometheus registry, Berth's topics created
 * if absent, and the service's root verticle deployed. Used by each service's {@code main}, by the single-machine
 * launcher and by integration tests.
 *
 * <p>Vert.x runs on Linux's epoll where Netty's native library loads: its event loops spend less CPU per request
 * than on {@code java.nio} (docs/benchmarks.md, eighth look). Elsewhere it runs on NIO, and says so once.
 */
public final class ServiceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

    /**
     * GC pauses as a histogram with a few fixed bounds, so a scrape before and after a load run tells their p99
     * and max over exactly that run (the load generator's cost per connect), not only a decaying maximum.
     */
    private static final MeterFilter GC_PAUSE_BUCKETS = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!id.getName().equals("jvm.gc.pause")) {
                return config;
            }
            return DistributionStatisticConfig.builder()
                    .serviceLevelObjectives(LongStream.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                            .mapToDouble(millis -> Duration.ofMillis(millis).toNanos()).toArray())
                    .build().merge(config);
        }
    };

    /** Numbers each Vert.x instance's metrics backend in this JVM (see {@link #metricsOptions}). */
    private static final AtomicLong INSTANCES = new AtomicLong();

    private ServiceRuntime() {
    }

    public static Future<RunningService> start(ServiceConfig config,
                                               Function<ServiceContext, ? extends BerthVerticle> verticleFactory) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", config.service().id()).meterFilter(GC_PAUSE_BUCKETS);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metricsOptions(config)).setPreferNativeTransport(true))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        if (!vertx.isNativeTransportEnabled()) {
            LOG.info("{}: Vert.x runs on java.nio, not epoll: {}", config.service().id(),
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        Readiness readiness = new Readiness();
        BerthVerticle verticle = verticleFactory.apply(new ServiceContext(config, registry, readiness));
        return vertx.executeBlocking(() -> {
                    TopicBootstrapper.ensureTopics(config.kafka(), Duration.ofSeconds(30));
                    return null;
                }, false)
                .compose(v -> vertx.deployVerticle(verticle))
                .map(id -> new RunningService(config, vertx, verticle, registry))
                .recover(failure -> {
                    // Not composed on close(): its completion would be delivered on the loop it shuts down.
                    vertx.close();
                    return Future.failedFuture(failure);
                });
    }

    /**
     * Vert.x keeps one metrics backend per registry name for the whole JVM ({@code BackendRegistries}): under
     * the shared default name the second and third service of the single-machine launcher reused the first
     * one's registry, so their HTTP server metrics never reached their own {@code /metrics}, and the first of
     * them to close closed it for all. A name of its own per Vert.x instance keeps every service's meters in
     * its own registry, in the launcher, in tests with several nodes and alone.
     */
    static MicrometerMetricsOptions metricsOptions(ServiceConfig config) {
        return new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(false)
                .setRegistryName(config.service().id() + "-" + INSTANCES.incrementAndGet());
    }
}
