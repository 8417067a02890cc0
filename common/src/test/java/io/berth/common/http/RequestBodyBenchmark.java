package io.berth.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What reading a hot-path request body costs once {@link RequestValidation} has parsed it to check its syntax:
 * mapping that tree to the handler's record ({@code fromTree}, what {@link RequestBody#read} does for a validated
 * request) against parsing the bytes a second time ({@code fromBytes}, what it did before). A connect and an
 * agent's session report, as the load generator sends them. Run with
 * {@code scripts/jmh common RequestBodyBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestBodyBenchmark {

    record Connect(String userId, String appGroupId, List<String> groups) {
    }

    enum ReportType { LOGON, LOGOFF }

    record Report(ReportType type, String userId, String hostId, Instant at) {
    }

    private final Buffer connect = Buffer.buffer("{\"userId\":\"user-01234\",\"appGroupId\":\"load-desktop-2\"}");
    private final Buffer report = Buffer.buffer("{\"type\":\"LOGON\",\"userId\":\"user-01234\","
            + "\"hostId\":\"load-2-host-0042\",\"at\":\"2026-12-02T13:30:49.123456Z\"}");

    @Benchmark
    public Connect connectFromBytes() {
        RequestBody.parse(connect);
        return RequestBody.read(connect, Connect.class);
    }

    @Benchmark
    public Connect connectFromTree() {
        JsonNode tree = RequestBody.parse(connect);
        return RequestBody.read(tree, Connect.class);
    }

    @Benchmark
    public Report reportFromBytes() {
        RequestBody.parse(report);
        return RequestBody.read(report, Report.class);
    }

    @Benchmark
    public Report reportFromTree() {
        JsonNode tree = RequestBody.parse(report);
        return RequestBody.read(tree, Report.class);
    }
}
