package io.berth.broker.cache;

import io.berth.broker.BrokerSettings;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.cluster.SecureClusterChannel;
import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.domain.PhaseBalancer;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.UserSeat;
import io.berth.common.config.ClusterConfig;
import org.infinispan.Cache;
import org.infinispan.commons.dataconversion.MediaType;
import org.infinispan.conflict.MergePolicy;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.eviction.EvictionStrategy;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.factories.GlobalComponentRegistry;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.remoting.transport.Transport;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.topology.CacheTopology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker node's embedded Infinispan: one cache manager joining the broker cluster over JGroups, and the
 * replicated ({@code REPL_SYNC}) caches every connect reads locally. Values are the domain's records,
 * marshalled by the generated {@link CacheSchema}. Starting and stopping block: call off the event loop.
 */
public final class BrokerCaches implements AutoCloseable {

    public static final String POOLS = "berth-pools";
    public static final String APP_GROUPS = "berth-appgroups";
    public static final String HOSTS = "berth-hosts";
    public static final String SEATS = "berth-seats";
    public static final String IDEMPOTENCY = "berth-idempotency";
    public static final String FEED_OFFSETS = "berth-feed-offsets";
    public static final String SCALING = "berth-pool-scaling";

    /** How long an {@code Idempotency-Key} is remembered (DESIGN.md section 4). */
    public static final long IDEMPOTENCY_MINUTES = 10;

    private final EmbeddedCacheManager manager;
    private final Transport transport;
    private final Cache<String, PoolPolicy> pools;
    private final Cache<String, AppGroupAccess> appGroups;
    private final Cache<String, HostEntry> hosts;
    private final Cache<String, UserSeat> seats;
    private final Cache<String, StoredAnswer> idempotency;
    private final Cache<String, Long> feedOffsets;
    private final Cache<String, PhaseBalancer> scaling;
    private final EvictionCounter idempotencyEvictions = new EvictionCounter();

    private BrokerCaches(EmbeddedCacheManager manager, long idempotencyMaxKeys) {
        this.manager = manager;
        this.transport = GlobalComponentRegistry.componentOf(manager, Transport.class);
        ConfigurationBuilder replicated = replicated();
        ConfigurationBuilder expiring = replicated();
        expiring.expiration().lifespan(IDEMPOTENCY_MINUTES, TimeUnit.MINUTES).wakeUpInterval(30, TimeUnit.SECONDS);
        // Bounded: every node holds every key, so keys beyond the bound evict the least recently used (counted).
        // An entry is small and bounded (a hashed key, ids of at most 256 characters), so the count bounds the
        // memory too; a retry whose key was evicted finds the user's session and reconnects to it.
        expiring.memory().maxCount(idempotencyMaxKeys).whenFull(EvictionStrategy.REMOVE);
        for (String name : new String[]{POOLS, APP_GROUPS, HOSTS, SEATS, FEED_OFFSETS, SCALING}) {
            manager.defineConfiguration(name, replicated.build());
        }
        manager.defineConfiguration(IDEMPOTENCY, expiring.build());
        // Joining the cluster's caches waits for their state from the other nodes.
        manager.startCaches(POOLS, APP_GROUPS, HOSTS, SEATS, IDEMPOTENCY, FEED_OFFSETS, SCALING);
        this.pools = manager.getCache(POOLS);
        this.appGroups = manager.getCache(APP_GROUPS);
        this.hosts = manager.getCache(HOSTS);
        this.seats = manager.getCache(SEATS);
        this.idempotency = manager.getCache(IDEMPOTENCY);
        this.idempotency.addListener(idempotencyEvictions);
        this.feedOffsets = manager.getCache(FEED_OFFSETS);
        this.scaling = manager.getCache(SCALING);
    }

    /**
     * Starts this node's cache manager and joins the cluster (blocking), over a channel encrypted and authenticated
     * with {@code secret}: a node with another secret cannot join.
     */
    public static BrokerCaches start(ClusterConfig cluster, BrokerSettings settings, ClusterSecret secret) {
        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.cacheManagerName(cluster.nodeName());
        global.jmx().disable();
        global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
        global.serialization().addContextInitializer(new CacheSchemaImpl());
        global.transport().defaultTransport()
                .clusterName(cluster.clusterName())
                .nodeName(cluster.nodeName());
        // A file path or a classpath resource, e.g. jgroups/berth-kubernetes.xml (DNS_PING), or the default stack;
        // either way a channel built here, so the keys reach SYM_ENCRYPT and AUTH without a file or a property.
        SecureClusterChannel channel = cluster.jgroupsConfig().isPresent()
                ? SecureClusterChannel.fromFile(cluster.jgroupsConfig().get(), secret)
                : SecureClusterChannel.fromXml(defaultStack(settings), secret);
        global.transport().addProperty(JGroupsTransport.CHANNEL_CONFIGURATOR, channel);
        DefaultCacheManager manager = new DefaultCacheManager(global.build(), true);
        try {
            return new BrokerCaches(manager, settings.idempotencyMaxKeys());
        } catch (RuntimeException e) {
            manager.stop();
            throw e;
        }
    }

    private static ConfigurationBuilder replicated() {
        ConfigurationBuilder builder = new ConfigurationBuilder();
        // A write waiting on a frozen member gives up within 8 s, so a connect is answered (503) inside DESIGN
        // 7.1's 10 s even before failure detection (FD_ALL3, ~3.5 s) drops that member from the view.
        builder.clustering().cacheMode(CacheMode.REPL_SYNC).remoteTimeout(8, TimeUnit.SECONDS)
                .stateTransfer().awaitInitialTransfer(true).timeout(3, TimeUnit.MINUTES);
        // A node that loses sight of a strict majority of the last stable membership keeps its copy for reads
        // (reconnects) and refuses every write: both sides of a split placing into the same seats overbooked.
        // On the merge Infinispan keeps the majority's topology but resolves no conflicts (the merge policy
        // takes effect only with ALLOW_READ_WRITES); each node then repairs its copies against the primary
        // owners' (ReplicaRepair). The minority wrote nothing that was answered: a write it tried before the
        // split was detected timed out, and a failed reservation allocates nothing.
        builder.clustering().partitionHandling().whenSplit(PartitionHandling.ALLOW_READS)
                .mergePolicy(MergePolicy.PREFERRED_ALWAYS);
        // Objects on the heap: reads and the atomic functions work on the records without unmarshalling.
        builder.encoding().mediaType(MediaType.APPLICATION_OBJECT_TYPE);
        // Striped locks are allocated once; per-key locks allocate a lock (and its map) on every compute,
        // which showed as ~6 % of all bytes allocated under a logon storm. A compute holds its stripe only
        // while its function runs and replicates, so 4,096 stripes keep unrelated keys from waiting.
        builder.locking().lockAcquisitionTimeout(10, TimeUnit.SECONDS).useLockStriping(true).concurrencyLevel(4096);
        builder.statistics().disable();
        return builder;
    }

    /** The TCP + TCPPING stack shipped in {@code jgroups/berth-tcp.xml}, filled from the settings. */
    public static String defaultStack(BrokerSettings settings) {
        try (InputStream in = BrokerCaches.class.getResourceAsStream("/jgroups/berth-tcp.xml")) {
            if (in == null) {
                throw new IllegalStateException("jgroups/berth-tcp.xml is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@BIND_ADDRESS@", settings.jgroupsBindAddress())
                    .replace("@BIND_PORT@", String.valueOf(settings.jgroupsPort()))
                    .replace("@INITIAL_HOSTS@", settings.jgroupsInitialHosts())
                    .replace("@FD_OFFSET@", String.valueOf(settings.jgroupsFailureDetectionOffset()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Cache<String, PoolPolicy> pools() {
        return pools;
    }

    public Cache<String, AppGroupAccess> appGroups() {
        return appGroups;
    }

    public Cache<String, HostEntry> hosts() {
        return hosts;
    }

    public Cache<String, UserSeat> seats() {
        return seats;
    }

    /** poolId → the load balancer of the pool's scaling phase, while the pool is in a scaling plan. */
    public Cache<String, PhaseBalancer> scaling() {
        return scaling;
    }

    public Cache<String, StoredAnswer> idempotency() {
        return idempotency;
    }

    /** Idempotency keys this node evicted before their ten minutes because the cache was full. */
    public long idempotencyEvictions() {
        return idempotencyEvictions.count();
    }

    public Cache<String, Long> feedOffsets() {
        return feedOffsets;
    }

    public boolean isCoordinator() {
        return manager.isCoordinator();
    }

    /** The JGroups view this node is in (its id grows with every membership change). */
    public long clusterView() {
        return transport == null ? 0 : transport.getViewId();
    }

    /**
     * Whether this node is in a minority partition: its caches refuse writes until the partition heals. Cheap
     * (a field of the cache's current topology), so it is asked on every connect.
     */
    public boolean isInMinority() {
        return manager.getStatus().allowInvocations()
                && hosts.getAdvancedCache().getAvailability() != AvailabilityMode.AVAILABLE;
    }

    /**
     * Whether every cache's topology is settled (no conflict resolution, no rebalance) and takes writes. After a
     * merge, a node waits for this before it reads the merged copies and feeds the caches again.
     */
    public boolean isSettled() {
        for (Cache<?, ?> cache : List.of(pools, appGroups, hosts, seats, idempotency, feedOffsets, scaling)) {
            LocalizedCacheTopology topology = cache.getAdvancedCache().getDistributionManager().getCacheTopology();
            if (cache.getAdvancedCache().getAvailability() != AvailabilityMode.AVAILABLE || topology == null
                    || topology.getPhase() != CacheTopology.Phase.NO_REBALANCE) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes every copy of the caches that must agree across nodes equal to its primary owner's (see
     * {@link ReplicaRepair}); answers how many keys were repaired. The idempotency cache is left out: each node
     * evicts from it on its own when it is full, so its copies may differ by design. Blocking.
     */
    public int repairReplicas() {
        int repaired = 0;
        for (Cache<?, ?> cache : List.of(pools, appGroups, hosts, seats, feedOffsets, scaling)) {
            repaired += ReplicaRepair.repair(cache);
        }
        return repaired;
    }

    public int clusterSize() {
        return manager.getMembers() == null ? 1 : manager.getMembers().size();
    }

    /** Leaves the cluster (the other nodes keep every entry) and stops the caches. */
    @Override
    public void close() {
        manager.stop();
    }
}
