package io.berth.broker;

import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.CacheSchemaImpl;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.domain.AppGroupAccess;
import io.berth.common.config.ClusterConfig;
import io.berth.common.events.AppGroupType;
import org.awaitility.Awaitility;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker cluster admits only nodes holding its secret: two nodes with one secret form a cluster and share
 * entries; a real third cache manager with another secret, or with the plain stack of before (no encryption,
 * no authentication), pointed at the same members, never enters their view and never sees their entries.
 */
class BrokerClusterSecurityIT {

    private final String clusterName = "berth-sec-it-" + UUID.randomUUID();
    private final int[] ports = BrokerNodes.freePorts(3);
    private final String initialHosts = IntStream.of(ports).mapToObj(p -> "127.0.0.1[" + p + "]")
            .collect(Collectors.joining(","));
    private final ClusterSecret secret = ClusterSecret.ofPassphrase("the-cluster-secret-" + UUID.randomUUID());
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void aNodeWithAnotherSecretCannotJoinNorRead() {
        // given two nodes with the cluster's secret, and an entry written on one
        BrokerCaches first = node(0, secret);
        BrokerCaches second = node(1, secret);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.clusterSize() == 2);
        first.appGroups().put("office", new AppGroupAccess("office", "pool-1", AppGroupType.DESKTOP,
                Set.of("alice"), Set.of()));
        assertThat(second.appGroups().get("office")).as("replicated to the member with the secret").isNotNull();

        // when a real third cache manager with another secret starts against the same members
        ClusterSecret guessed = ClusterSecret.ofPassphrase("a-guessed-secret-" + UUID.randomUUID());
        BrokerCaches rogue = startedOrNull(() -> node(2, guessed));

        // then it is in no view of theirs and sees none of their entries
        assertThat(first.clusterSize()).isEqualTo(2);
        assertThat(second.clusterSize()).isEqualTo(2);
        if (rogue != null) {
            assertThat(rogue.clusterSize()).as("the rogue node is alone").isEqualTo(1);
            assertThat(rogue.appGroups().get("office")).as("nothing replicated to the rogue node").isNull();
            rogue.appGroups().put("planted", new AppGroupAccess("planted", "pool-1", AppGroupType.DESKTOP,
                    Set.of("mallory"), Set.of()));
        }
        assertThat(first.appGroups().get("planted")).as("nothing the rogue writes reaches the cluster").isNull();
    }

    @Test
    void aNodeWithThePlainStackCannotJoin() {
        // given one node with the secret
        BrokerCaches member = node(0, secret);

        // when a cache manager with the stack of before (no SYM_ENCRYPT, no AUTH) starts against it
        String plainStack = BrokerCaches.defaultStack(settings(1))
                .replaceAll("(?s)<SYM_ENCRYPT[^>]*/>", "")
                .replaceAll("(?s)<AUTH[^>]*/>", "");
        assertThat(plainStack).doesNotContain("<SYM_ENCRYPT").doesNotContain("<AUTH");
        DefaultCacheManager plain = startedOrNull(() -> plainManager(plainStack));

        // then it stays outside the member's view and reads nothing of it
        member.appGroups().put("office", new AppGroupAccess("office", "pool-1", AppGroupType.DESKTOP,
                Set.of("alice"), Set.of()));
        assertThat(member.clusterSize()).isEqualTo(1);
        if (plain != null) {
            assertThat(plain.getMembers()).hasSize(1);
            Cache<String, AppGroupAccess> appGroups = plain.getCache(BrokerCaches.APP_GROUPS);
            assertThat(appGroups.get("office")).isNull();
        }
    }

    private BrokerSettings settings(int node) {
        return new BrokerSettings("127.0.0.1", ports[node], initialHosts, 100, Optional.empty(), 300, "it");
    }

    private BrokerCaches node(int node, ClusterSecret nodeSecret) {
        BrokerCaches caches = BrokerCaches.start(new ClusterConfig(clusterName, Optional.empty(), "sec-" + node),
                settings(node), nodeSecret);
        started.add(caches);
        return caches;
    }

    private DefaultCacheManager plainManager(String stack) {
        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.cacheManagerName("plain");
        global.jmx().disable();
        global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
        global.serialization().addContextInitializer(new CacheSchemaImpl());
        global.transport().defaultTransport().clusterName(clusterName).nodeName("plain")
                .addProperty(JGroupsTransport.CONFIGURATION_STRING, stack);
        DefaultCacheManager manager = new DefaultCacheManager(global.build(), true);
        started.add(manager::stop);
        ConfigurationBuilder replicated = new ConfigurationBuilder();
        replicated.clustering().cacheMode(CacheMode.REPL_SYNC);
        manager.defineConfiguration(BrokerCaches.APP_GROUPS, replicated.build());
        manager.getCache(BrokerCaches.APP_GROUPS);
        return manager;
    }

    /** The node, or null if the cluster refused it so firmly that it could not even start alone. */
    private static <T> T startedOrNull(java.util.function.Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException refused) {
            return null;
        }
    }
}
