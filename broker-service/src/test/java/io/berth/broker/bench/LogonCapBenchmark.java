package io.berth.broker.bench;

import io.berth.broker.domain.ConnectRequest;
import io.berth.broker.domain.Decision;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.HostPlacement;
import io.berth.broker.domain.PoolIndex;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.SlotHolder;
import io.berth.broker.domain.SlotLimits;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the logon cap costs the connect path (issue 13: at most 5 % of its throughput): the placement decision,
 * the reservation on the picked host's entry with the pool's limits ({@link HostEntry#reserve}, what
 * {@code ReserveSlot} runs on the entry's owner), the index following the reserved entry, then the release and
 * the index following that (so every operation sees the same pool). {@code cap=0} is no cap; {@code cap=20}
 * is a cap never reached (no host holds 20 logons in progress), so both place every time and the difference is
 * the cap's bookkeeping: the kept count of logons in progress, the check in the reservation, the index's
 * exclusion counters. The replicated compute around the reservation costs the same either way and is left out,
 * so the ratio here bounds the connect path's from above.
 *
 * <pre>
 * ./mvnw -q -o -pl broker-service -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *      -Dmdep.outputFile=target/jmh-classpath.txt
 * java -cp broker-service/target/test-classes:broker-service/target/classes:$(cat broker-service/target/jmh-classpath.txt) \
 *      org.openjdk.jmh.Main LogonCapBenchmark -f 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class LogonCapBenchmark {

    private static final int MAX_SESSIONS = 20;

    @Param({"0", "20"})
    int cap;

    @Param({"1000"})
    int hosts;

    private HostPlacement placement;
    private PoolIndex index;
    private SlotLimits limits;
    private final List<ConnectRequest> requests = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        long now = System.currentTimeMillis();
        PoolPolicy policy = new PoolPolicy("pool", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, MAX_SESSIONS,
                PersonalAssignment.AUTOMATIC, false, 3600, 60, cap, null);
        limits = SlotLimits.of(policy);
        index = new PoolIndex("pool", System::currentTimeMillis);
        index.configure(policy);
        SplittableRandom random = new SplittableRandom(1);
        for (int h = 0; h < hosts; h++) {
            int load = random.nextInt(MAX_SESSIONS - 1);
            List<SlotHolder> slots = new ArrayList<>();
            for (int s = 0; s < load; s++) {
                // a quarter of the sessions are still logging on
                slots.add(new SlotHolder("s-" + h + "-" + s, "u-" + h + "-" + s, 0L, false, s % 4 != 0));
            }
            index.upsert(new HostEntry("h" + h, "pool", Health.AVAILABLE, true, null, now, slots, null, 1));
        }
        SplittableRandom picks = new SplittableRandom(2);
        placement = new HostPlacement(new OnePoolView(index), System::currentTimeMillis, () -> picks);
        for (int i = 0; i < 1024; i++) {
            requests.add(new ConnectRequest("newcomer-" + i, "desk", List.of("staff")));
        }
    }

    @Benchmark
    public HostEntry placeReserveAndRelease() {
        int i = next++ & 1023;
        ConnectRequest request = requests.get(i);
        Decision.Allocate allocate = (Decision.Allocate) placement.decide(request);
        HostEntry picked = allocate.candidates().next().orElseThrow();
        String sessionId = "bench-session-" + i;
        HostEntry reserved = picked.reserve(sessionId, request.userId(), limits, false, 1L);
        if (!reserved.holds(sessionId)) {
            throw new IllegalStateException("the reservation was refused: the cap must not be reached here");
        }
        index.upsert(reserved);
        HostEntry released = reserved.abandonReservation(sessionId);
        index.upsert(released);
        return released;
    }
}
