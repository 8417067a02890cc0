package io.berth.common.bench;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HealthCheck;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
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
import java.util.stream.IntStream;

/**
 * The event codec on the paths that matter: an allocation encoded per connect and decoded by the session
 * service, a session decoded per state change, a host-health snapshot (with its session ids) decoded per
 * heartbeat.
 * Run with {@code scripts/jmh common EventCodec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventCodecBenchmark {

    private final Instant now = Instant.parse("2026-11-27T08:55:00Z");
    private final AllocationEvent allocation = new AllocationEvent(1, "6f1c0a52-5c1e-4a43-9a4f-0b7b0f1f3a11", "alice",
            "pool-1", "host-0042.vdi.example.com", "desktop", now, "broker-0");
    private final byte[] allocationJson = EventCodec.encode(new AllocationEvent(1,
            "6f1c0a52-5c1e-4a43-9a4f-0b7b0f1f3a11", "alice", "pool-1", "host-0042.vdi.example.com", "desktop",
            // Instant.now() carries microseconds on Linux.
            Instant.parse("2026-11-27T08:55:00.123456Z"), "broker-0"));
    private final byte[] sessionJson = EventCodec.encode(new SessionEvent(1, "6f1c0a52-5c1e-4a43-9a4f-0b7b0f1f3a11",
            "alice", "pool-1", "host-0042.vdi.example.com", SessionState.ACTIVE, now, now, null));
    private final byte[] healthJson = EventCodec.encode(new HostHealthEvent(1, "host-0042.vdi.example.com", "pool-1",
            Health.AVAILABLE, true, null,
            IntStream.range(0, 16).mapToObj(i -> "session-" + i).toList(), now,
            List.of(new HealthCheck("disk", true, null), new HealthCheck("fslogix", true, null))));

    @Benchmark
    public byte[] encodeAllocation() {
        return EventCodec.encode(allocation);
    }

    @Benchmark
    public AllocationEvent decodeAllocation() throws MalformedEventException {
        return EventCodec.decode(allocationJson, AllocationEvent.class);
    }

    @Benchmark
    public SessionEvent decodeSession() throws MalformedEventException {
        return EventCodec.decode(sessionJson, SessionEvent.class);
    }

    @Benchmark
    public HostHealthEvent decodeHostHealth() throws MalformedEventException {
        return EventCodec.decode(healthJson, HostHealthEvent.class);
    }
}
