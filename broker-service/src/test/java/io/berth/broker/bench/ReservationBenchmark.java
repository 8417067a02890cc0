package io.berth.broker.bench;

import io.berth.broker.BrokerSettings;
import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.cache.CacheSchemaImpl;
import io.berth.broker.cache.ReserveSlot;
import io.berth.broker.cache.SlotChange;
import io.berth.broker.domain.HostEntry;
import io.berth.common.config.ClusterConfig;
import io.berth.common.events.Health;
import org.infinispan.Cache;
import org.infinispan.commons.dataconversion.MediaType;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.manager.DefaultCacheManager;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A slot reservation as the broker makes it — {@code compute(hostId, ReserveSlot)} on the host cache, then
 * {@code compute(hostId, SlotChange.abandon)} to free the slot again so that every operation sees the same
 * host load — on an embedded Infinispan cache:
 * <ul>
 *   <li>{@code REPL_SYNC}: the broker's own caches ({@link BrokerCaches#start}), a cluster of this one node
 *   (JGroups on 127.0.0.1:7870): the locking, the functions and the (empty) replication step are real;</li>
 *   <li>{@code LOCAL}: a non-clustered cache with the same settings (objects on the heap): the floor.</li>
 * </ul>
 * One operation = one reservation and its release (two atomic computes).
 *
 * <pre>
 * scripts/jmh broker-service ReservationBenchmark -f 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReservationBenchmark {

    private static final int HOSTS = 1024;
    private static final int SESSIONS_PER_HOST = 10;
    private static final int LIMIT = 20;

    @Param({"LOCAL", "REPL_SYNC"})
    String mode;

    private AutoCloseable closer;
    private Cache<String, HostEntry> hosts;
    private final String[] hostIds = new String[HOSTS];
    private final String[] sessionIds = new String[4096];
    private int next;

    @Setup
    public void setUp() {
        if (mode.equals("LOCAL")) {
            GlobalConfigurationBuilder global = new GlobalConfigurationBuilder().nonClusteredDefault();
            global.jmx().disable();
            global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
            global.serialization().addContextInitializer(new CacheSchemaImpl());
            DefaultCacheManager manager = new DefaultCacheManager(global.build(), true);
            ConfigurationBuilder local = new ConfigurationBuilder();
            local.encoding().mediaType(MediaType.APPLICATION_OBJECT_TYPE);
            local.statistics().disable();
            manager.defineConfiguration(BrokerCaches.HOSTS, local.build());
            hosts = manager.getCache(BrokerCaches.HOSTS);
            closer = manager::stop;
        } else {
            BrokerCaches caches = BrokerCaches.start(
                    new ClusterConfig("berth-bench-" + ProcessHandle.current().pid(), Optional.empty(), "bench"),
                    new BrokerSettings("127.0.0.1", 7870, "127.0.0.1[7870]", 100, Optional.empty(), 300,
                            "berth-bench"), ClusterSecret.ofPassphrase("berth-bench-cluster-secret"));
            hosts = caches.hosts();
            closer = caches;
        }
        long now = System.currentTimeMillis();
        for (int h = 0; h < HOSTS; h++) {
            hostIds[h] = "host-" + h;
            HostEntry entry = new HostEntry(hostIds[h], "pool", Health.AVAILABLE, true, null, now, List.of(), null, 0);
            for (int s = 0; s < SESSIONS_PER_HOST; s++) {
                entry = entry.confirm("s-" + h + "-" + s, "u-" + h + "-" + s);
            }
            hosts.put(hostIds[h], entry);
        }
        for (int i = 0; i < sessionIds.length; i++) {
            sessionIds[i] = "bench-session-" + i;
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        closer.close();
    }

    @Benchmark
    public HostEntry reserveAndRelease() {
        int i = next++;
        String hostId = hostIds[i & (HOSTS - 1)];
        String sessionId = sessionIds[i & (sessionIds.length - 1)];
        HostEntry reserved = hosts.compute(hostId,
                new ReserveSlot(sessionId, "bench-user", LIMIT, false, System.currentTimeMillis()));
        if (!reserved.holds(sessionId)) {
            throw new IllegalStateException("the reservation was refused");
        }
        return hosts.compute(hostId, SlotChange.abandon(sessionId));
    }
}
