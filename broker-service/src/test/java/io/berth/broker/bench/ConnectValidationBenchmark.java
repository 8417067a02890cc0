package io.berth.broker.bench;

import io.berth.broker.domain.ConnectRequest;
import io.berth.common.events.EventCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What checking a connect body against the broker's OpenAPI document costs (the validator the API router runs
 * before the connect handler), beside decoding the same body into its record, which the handler does anyway.
 * Run from the module's test class path: {@code java -cp ... org.openjdk.jmh.Main ConnectValidationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectValidationBenchmark {

    private Vertx vertx;
    private RequestValidator validator;
    private Buffer body;

    @Setup
    public void setUp() {
        vertx = Vertx.vertx();
        validator = RequestValidator.create(vertx,
                OpenAPIContract.from(vertx, "openapi/broker-service.yaml").await());
        body = new JsonObject().put("userId", "user-000042@corp.example").put("appGroupId", "office-desktop")
                .put("groups", new JsonArray().add("staff").add("vdi-users")).toBuffer();
    }

    @TearDown
    public void tearDown() {
        vertx.close().await();
    }

    @Benchmark
    public ValidatedRequest validate() {
        return validator.validate(new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
                new RequestParameterImpl(body), "application/json"), "connect").await();
    }

    @Benchmark
    public ConnectRequest decode() throws Exception {
        return EventCodec.mapper().readValue(body.getBytes(), ConnectRequest.class);
    }
}
