package io.berth.session.bench;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionState;
import io.berth.session.domain.AgentEventType;
import io.berth.session.domain.AgentIdentity;
import io.berth.session.domain.AgentReport;
import io.berth.session.domain.ReportOutcome;
import io.berth.session.domain.SessionRegistry;
import io.berth.session.domain.TickResult;
import org.apache.kafka.common.utils.Utils;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The session registry at the load of a 2,000 connects/s logon storm: 20,000 live (ACTIVE) sessions on 1,000
 * hosts of one pool.
 * <ul>
 *   <li>{@code tick}: the once-a-second sweep when one PENDING session has timed out and one ENDED session is due
 *   for its tombstone (each call is the next second). Ownership is decided as the service does, by a murmur2 hash
 *   of the session id.</li>
 *   <li>{@code report}: one agent report that moves a live session, the registry's side of a logon: LOGON of a
 *   DISCONNECTED session (to ACTIVE) and DISCONNECT of an ACTIVE one, in turn, round the 20,000.</li>
 *   <li>{@code connect}: what one connect costs the registry at 2,000 connects per (simulated) second: the
 *   allocation (PENDING), the agent's LOGON (ACTIVE), the LOGOFF of the session that logged on 20,000 connects
 *   (10 s) earlier (ENDED), its tombstone read back, and a two-thousandth of the once-a-second sweep.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -q -B -o -pl session-service test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/jmh-classpath.txt
 * CP=session-service/target/test-classes:session-service/target/classes:$(cat session-service/target/jmh-classpath.txt)
 * java -cp "$CP" org.openjdk.jmh.Main SessionRegistryBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1
 * </pre>
 * ({@code scripts/jmh session-service SessionRegistryBenchmark} does the same after installing the modules.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionRegistryBenchmark {

    private static final int HOSTS = 1_000;
    private static final int LIVE = 20_000;
    private static final int PARTITIONS = 6;
    private static final String POOL = "pool-1";
    private static final int PENDING_TIMEOUT_SECONDS = 60;
    private static final Instant T0 = Instant.parse("2026-01-05T08:55:00Z");

    /** Ownership as the service decides it (every partition owned, as with one instance): a hash per call. */
    private static final Predicate<String> OWNS_ALL = sessionId ->
            Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS >= 0;

    /** Session ids in use at once in {@code connect} (the live ones and a margin); reused round-robin. */
    private static final int RING = 1 << 15;

    private final String[] hostIds = new String[HOSTS];
    private final AgentIdentity[] agents = new AgentIdentity[HOSTS];

    private SessionRegistry tickRegistry;
    private String[] tickIds;
    private long tickSecond;

    private SessionRegistry reportRegistry;
    private AgentReport[] reconnects;
    private AgentReport[] disconnects;
    private long reports;

    private SessionRegistry connectRegistry;
    private AllocationEvent[] allocations;
    private AgentReport[] logons;
    private AgentReport[] logoffs;
    private String[] ringIds;
    private long connects;

    @Setup
    public void setUp() {
        for (int h = 0; h < HOSTS; h++) {
            hostIds[h] = "host-" + h + ".example.com";
            agents[h] = new AgentIdentity(hostIds[h], "jti-" + h);
        }
        setUpTick();
        setUpReport();
        setUpConnect();
        requireLive(tickRegistry);
        requireLive(reportRegistry);
        requireLive(connectRegistry);
    }

    @TearDown
    public void checkTheLoadHeld() {
        requireLive(tickRegistry);
        requireLive(reportRegistry);
        requireLive(connectRegistry);
    }

    private static void requireLive(SessionRegistry registry) {
        long live = registry.count(POOL, SessionState.ACTIVE) + registry.count(POOL, SessionState.DISCONNECTED);
        if (live != LIVE) {
            throw new IllegalStateException("expected " + LIVE + " live sessions, found " + live);
        }
    }

    private SessionRegistry registryWithLiveSessions(Duration retention) {
        SessionRegistry registry = new SessionRegistry(retention);
        registry.onPoolConfig(new HostPoolConfig(1, POOL, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 50,
                PersonalAssignment.AUTOMATIC, false, 30, PENDING_TIMEOUT_SECONDS));
        for (int h = 0; h < HOSTS; h++) {
            registry.onHostRegistration(new HostRegistration(1, hostIds[h], POOL, T0.minusSeconds(3600),
                    agents[h].tokenId()));
        }
        return registry;
    }

    private void setUpTick() {
        // A 10 s retention: each tick tombstones the session that timed out ten ticks before.
        tickRegistry = registryWithLiveSessions(Duration.ofSeconds(10));
        for (int i = 0; i < LIVE; i++) {
            String sessionId = UUID.randomUUID().toString();
            int h = i % HOSTS;
            tickRegistry.onAllocation(allocation(sessionId, "user-" + i, hostIds[h], T0), T0);
            tickRegistry.onAgentReport(new AgentReport(sessionId, AgentEventType.LOGON, "user-" + i, hostIds[h],
                    null), agents[h], T0);
        }
        tickIds = new String[1024];
        for (int i = 0; i < tickIds.length; i++) {
            tickIds[i] = UUID.randomUUID().toString();
        }
    }

    private void setUpReport() {
        reportRegistry = registryWithLiveSessions(Duration.ofHours(24));
        reconnects = new AgentReport[LIVE];
        disconnects = new AgentReport[LIVE];
        for (int i = 0; i < LIVE; i++) {
            String sessionId = UUID.randomUUID().toString();
            String hostId = hostIds[i % HOSTS];
            String userId = "user-" + i;
            reportRegistry.onAllocation(allocation(sessionId, userId, hostId, T0), T0);
            reconnects[i] = new AgentReport(sessionId, AgentEventType.LOGON, userId, hostId, null);
            disconnects[i] = new AgentReport(sessionId, AgentEventType.DISCONNECT, userId, hostId, null);
            reportRegistry.onAgentReport(reconnects[i], agents[i % HOSTS], T0);
        }
        reports = 0;
    }

    private void setUpConnect() {
        // A 30 s retention, so that the sweep also pops the (already read back) tombstones.
        connectRegistry = registryWithLiveSessions(Duration.ofSeconds(30));
        ringIds = new String[RING];
        allocations = new AllocationEvent[RING];
        logons = new AgentReport[RING];
        logoffs = new AgentReport[RING];
        for (int i = 0; i < RING; i++) {
            String sessionId = UUID.randomUUID().toString();
            String hostId = hostIds[i % HOSTS];
            String userId = "user-" + i;
            ringIds[i] = sessionId;
            allocations[i] = allocation(sessionId, userId, hostId, T0);
            logons[i] = new AgentReport(sessionId, AgentEventType.LOGON, userId, hostId, null);
            logoffs[i] = new AgentReport(sessionId, AgentEventType.LOGOFF, userId, hostId, null);
        }
        // The 20,000 sessions that logged on before the first measured connect: ring slots -20,000 .. -1.
        for (int k = RING - LIVE; k < RING; k++) {
            connectRegistry.onAllocation(allocations[k], T0);
            connectRegistry.onAgentReport(logons[k], agents[k % HOSTS], T0);
        }
        connects = 0;
    }

    private static AllocationEvent allocation(String sessionId, String userId, String hostId, Instant at) {
        return new AllocationEvent(1, sessionId, userId, POOL, hostId, "desktop", at, "broker-1");
    }

    @Benchmark
    public TickResult tick() {
        long second = ++tickSecond;
        Instant now = T0.plusSeconds(second);
        String sessionId = tickIds[(int) (second & (tickIds.length - 1))];
        // Allocated a pending timeout ago and never logged on to: due now.
        tickRegistry.onAllocation(allocation(sessionId, "user", hostIds[(int) (second % HOSTS)],
                now.minusSeconds(PENDING_TIMEOUT_SECONDS)), now);
        return tickRegistry.tick(now, OWNS_ALL);
    }

    @Benchmark
    public ReportOutcome report() {
        long n = reports++;
        int i = (int) (n % LIVE);
        // First round: every session is ACTIVE and gets a DISCONNECT; second round: a LOGON; and so on.
        AgentReport report = (n / LIVE) % 2 == 0 ? disconnects[i] : reconnects[i];
        return reportRegistry.onAgentReport(report, agents[i % HOSTS], T0);
    }

    @Benchmark
    public int connect() {
        long n = connects++;
        int in = (int) (n & (RING - 1));
        int out = (int) ((n - LIVE) & (RING - 1));
        Instant now = T0.plusMillis(n / 2);
        AllocationEvent allocation = allocations[in];
        int changes = connectRegistry.onAllocation(new AllocationEvent(1, allocation.sessionId(), allocation.userId(),
                POOL, allocation.hostId(), "desktop", now, "broker-1"), now).size();
        connectRegistry.onAgentReport(logons[in], agents[in % HOSTS], now);
        connectRegistry.onAgentReport(logoffs[out], agents[out % HOSTS], now);
        connectRegistry.applyTombstone(ringIds[out]);
        if (n % 2_000 == 0) {
            changes += connectRegistry.tick(now, OWNS_ALL).changes().size();
        }
        return changes;
    }
}
