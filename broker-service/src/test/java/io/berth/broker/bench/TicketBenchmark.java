package io.berth.broker.bench;

import io.berth.broker.ticket.TicketSigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One connect ticket signed (JWS, Ed25519 with BouncyCastle): the largest CPU cost of a connect in the broker
 * itself (see docs/benchmarks.md). {@code scripts/jmh broker-service TicketBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TicketBenchmark {

    private TicketSigner signer;
    private long next;

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("berth-ticket-bench");
        signer = TicketSigner.loadOrCreate(dir.resolve("ticket-key"));
    }

    @Benchmark
    public String sign() {
        long i = next++;
        return signer.sign("8f14e45f-ceea-467f-a0e6-" + i, "user-" + i, "vdi-000042.corp.example", 1_764_200_000L, 300);
    }
}
