package io.berth.common.runtime;

import io.berth.common.config.ServiceConfig;
import io.berth.common.http.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What the runtime hands a service's verticle: its configuration, its metrics registry, its readiness. */
public record ServiceContext(ServiceConfig config, PrometheusMeterRegistry registry, Readiness readiness) {
}
