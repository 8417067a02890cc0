package io.berth.common.bench;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.auth.Principal;
import io.berth.common.auth.Role;
import io.berth.common.auth.TokenIssuer;
import io.berth.common.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bearer-token check a gateway's or an agent's request pays: Vert.x's full verification (Base64 and
 * JSON of header and claims, HMAC-SHA256), which every request ran before, against a token
 * {@link JwtAuthentication} has verified before (a cache hit and the {@code exp} check).
 * Run with {@code scripts/jmh common TokenCheckBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenCheckBenchmark {

    private static final String SECRET = "benchmark-secret-0123456789-0123456789-abcdef";

    private Vertx vertx;
    private JWTAuth vertxJwt;
    private JwtAuthentication jwt;
    private String header;

    @Setup
    public void setUp() {
        vertx = Vertx.vertx();
        AuthConfig config = AuthConfig.ofSecret(SECRET);
        vertxJwt = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
        jwt = new JwtAuthentication(vertx, config);
        // An agent's token, as the inventory service issues it at registration.
        String token = new TokenIssuer(vertx, config).issue("host-0042.vdi.example.com", List.of(Role.AGENT),
                Duration.ofDays(30), Map.of("jti", "6f1c0a52-5c1e-4a43-9a4f-0b7b0f1f3a11"));
        if (jwt.authenticate(token).failed()) {
            throw new IllegalStateException("the benchmark's token does not verify");
        }
        header = "Bearer " + token;
    }

    @TearDown
    public void tearDown() {
        vertx.close().await();
    }

    // Each request's token is a new String cut from its header (its hash not yet computed), as here.

    @Benchmark
    public Future<User> fullVerification() {
        return vertxJwt.authenticate(new TokenCredentials(header.substring(7)));
    }

    @Benchmark
    public Future<Principal> rememberedToken() {
        return jwt.authenticate(header.substring(7));
    }
}
