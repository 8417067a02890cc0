package io.berth.common.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.common.auth.Principal;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what one gateway (one token subject, {@code sub}) may ask of a service: at most {@code ratePerSecond}
 * requests a second and {@code maxConcurrent} requests in flight. Beyond either, the request is answered
 * {@code 429} problem+json with {@code Retry-After} before it reaches the handler, so one greedy or broken
 * gateway cannot take the capacity the others need. Mount it after the token check:
 * {@code route.handler(jwt.require(GATEWAY)).handler(quota).handler(endpoint)}. 0 turns a bound off.
 *
 * <p>The rate is resilience4j's {@code AtomicRateLimiter} (one compare-and-set per request, no lock, no
 * thread): {@code ratePerSecond} permits per one-second cycle, which also tells how long until the next permit
 * (the {@code Retry-After}). In-flight requests are a counter per gateway, released when the response ends or
 * the connection closes. Gateways unseen for ten minutes are forgotten, so the table stays small.
 */
public final class GatewayQuota implements Handler<RoutingContext> {

    private final int ratePerSecond;
    private final int maxConcurrent;
    private final RateLimiterConfig rateConfig;
    private final Cache<String, Gateway> gateways = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
    private final Counter rejectedRate;
    private final Counter rejectedConcurrency;

    /** One gateway's limiter and in-flight count. */
    private record Gateway(AtomicRateLimiter rate, AtomicInteger inFlight) {
    }

    public GatewayQuota(int ratePerSecond, int maxConcurrent, MeterRegistry registry) {
        if (ratePerSecond < 0 || maxConcurrent < 0) {
            throw new IllegalArgumentException("quota bounds must be >= 0 (0 = off)");
        }
        this.ratePerSecond = ratePerSecond;
        this.maxConcurrent = maxConcurrent;
        this.rateConfig = RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, ratePerSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
        this.rejectedRate = Counter.builder("berth_gateway_quota_rejected_total").tag("bound", "rate")
                .description("Requests answered 429 because their gateway exceeded a quota").register(registry);
        this.rejectedConcurrency = Counter.builder("berth_gateway_quota_rejected_total").tag("bound", "concurrency")
                .description("Requests answered 429 because their gateway exceeded a quota").register(registry);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String subject = Principal.of(ctx).subject();
        Gateway gateway = gateways.get(subject, s -> new Gateway(new AtomicRateLimiter(s, rateConfig),
                new AtomicInteger()));
        if (ratePerSecond > 0 && !gateway.rate().acquirePermission()) {
            rejectedRate.increment();
            reject(ctx, "this gateway exceeded its rate of " + ratePerSecond + " requests per second",
                    retryAfterSeconds(gateway.rate()));
            return;
        }
        if (maxConcurrent > 0) {
            if (gateway.inFlight().incrementAndGet() > maxConcurrent) {
                gateway.inFlight().decrementAndGet();
                rejectedConcurrency.increment();
                reject(ctx, "this gateway has " + maxConcurrent + " requests in flight, its limit", 1);
                return;
            }
            // Runs once the response has ended, or the connection closed before it could.
            ctx.addEndHandler(done -> gateway.inFlight().decrementAndGet());
        }
        ctx.next();
    }

    private static int retryAfterSeconds(AtomicRateLimiter rate) {
        long nanos = rate.getDetailedMetrics().getNanosToWait();
        return (int) Math.max(1, Math.min(60, (nanos + 999_999_999L) / 1_000_000_000L));
    }

    private static void reject(RoutingContext ctx, String detail, int retryAfterSeconds) {
        Problems.send(ctx, new ProblemException(429, "Too Many Requests", detail,
                Map.of("Retry-After", String.valueOf(retryAfterSeconds))));
    }
}
