package io.berth.broker.bench;

import io.berth.broker.domain.ConnectRequest;
import io.berth.broker.domain.Decision;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.HostPlacement;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.SlotHolder;
import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The placement decision (entitlement, reconnect check, index pick of the first candidate) against pools of
 * 100, 10,000 and 100,000 hosts: its cost must not grow with the pool (target: 100,000 ≤ 1.5 × 100).
 *
 * <pre>
 * ./mvnw -q -o -pl broker-service -am test-compile
 * ./mvnw -q -o -pl broker-service dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp broker-service/target/test-classes:broker-service/target/classes:$(cat broker-service/target/cp.txt) \
 *      org.openjdk.jmh.Main PlacementBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlacementBenchmark {

    @Param({"100", "10000", "100000"})
    int hosts;

    @Param({"BREADTH_FIRST", "DEPTH_FIRST", "PERSONAL"})
    String kind;

    private HostPlacement placement;
    private final List<ConnectRequest> requests = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        long now = System.currentTimeMillis();
        boolean personal = kind.equals("PERSONAL");
        PoolPolicy policy = new PoolPolicy("pool", personal ? PoolType.PERSONAL : PoolType.POOLED,
                personal ? LoadBalancer.BREADTH_FIRST : LoadBalancer.valueOf(kind), personal ? 1 : 20,
                PersonalAssignment.AUTOMATIC, false, 3600, 60);
        PoolIndex index = new PoolIndex("pool", System::currentTimeMillis);
        index.configure(policy);
        SplittableRandom random = new SplittableRandom(1);
        for (int h = 0; h < hosts; h++) {
            int load = personal ? 0 : random.nextInt(20);
            List<SlotHolder> slots = new ArrayList<>();
            for (int s = 0; s < load; s++) {
                slots.add(new SlotHolder("s-" + h + "-" + s, "u-" + h + "-" + s, 0L));
            }
            // Half of a personal pool already belongs to someone.
            String owner = personal && h % 2 == 0 ? "owner-" + h : null;
            index.upsert(new HostEntry("h" + h, "pool", Health.AVAILABLE, true, owner, now, slots, null, 1));
        }
        SplittableRandom picks = new SplittableRandom(2);
        placement = new HostPlacement(new OnePoolView(index), System::currentTimeMillis, () -> picks);
        for (int i = 0; i < 1024; i++) {
            requests.add(new ConnectRequest("newcomer-" + i, "desk", List.of("staff")));
        }
    }

    @Benchmark
    public Optional<HostEntry> decideAndPickFirstCandidate() {
        ConnectRequest request = requests.get(next++ & 1023);
        Decision decision = placement.decide(request);
        return ((Decision.Allocate) decision).candidates().next();
    }
}
