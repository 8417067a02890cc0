package io.berth.broker.bench;

import io.berth.broker.BrokerSettings;
import io.berth.broker.BrokerVerticle;
import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cluster.ClusterSecret;
import io.berth.broker.cache.LocalIndex;
import io.berth.broker.cache.ReplicatedLedger;
import io.berth.broker.domain.HostEntry;
import io.berth.broker.feed.FeedApplier;
import io.berth.common.config.ClusterConfig;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceName;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.EventCodec;
import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;
import io.berth.common.kafka.TopicBootstrapper;
import io.berth.common.kafka.Topics;
import io.berth.common.runtime.RunningService;
import io.berth.common.runtime.ServiceRuntime;
import io.berth.common.testing.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Scale figures of one broker node (a harness run as a {@code main}, not a test: it takes minutes and GiBs).
 *
 * <ul>
 *   <li>{@code heap [hosts] [sessions]} (default 100,000 and 250,000): the broker's real caches (a one-node
 *   {@code REPL_SYNC} cluster), its local index, and its feed applier fed the records the inventory and the
 *   session service would have written (host health, ACTIVE sessions), without Kafka in the JVM; prints the
 *   used heap after a full GC before and after.</li>
 *   <li>{@code rebuild [hosts] [sessions]} (default 100,000 and 1,000,000): an in-JVM Kafka (Kafka's test
 *   kit) filled with the pools, the hosts' health and the sessions, then a broker node started through
 *   {@code ServiceRuntime} as in production; prints the time from start until {@code /health/ready} is 200
 *   (every record that was on the topics is in the caches).</li>
 *   <li>{@code storm [hosts] [sessions] [batch]} (default 1,000, 100,000 and 500): a logon storm as the feed
 *   sees it, without Kafka: 4 pools, 2,000 connects/s, each session PENDING at once, ACTIVE after 200 ms,
 *   ENDED after 10 s (about 20,000 live sessions), a heartbeat per host every 30 s, in time order and fed in
 *   batches of {@code batch} records. Before each batch, the connect path's own writes for the sessions that
 *   connected meanwhile (seat claim, slot reservation, seat completion) are made on the caches, untimed; the
 *   feed time counts only the applier.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -q -o -pl broker-service -am test-compile   # then, with scripts/jmh's classpath file:
 * java -Xmx4g -cp broker-service/target/test-classes:broker-service/target/classes:$(cat broker-service/target/jmh-classpath.txt) \
 *      io.berth.broker.bench.BrokerScaleHarness heap
 * </pre>
 */
public final class BrokerScaleHarness {

    static final int POOLS = 10;
    static final int MAX_SESSIONS_PER_HOST = 20;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "heap";
        switch (mode) {
            case "heap" -> heap(intArg(args, 1, 100_000), intArg(args, 2, 250_000));
            case "rebuild" -> rebuild(intArg(args, 1, 100_000), intArg(args, 2, 1_000_000));
            case "storm" -> storm(intArg(args, 1, 1_000), intArg(args, 2, 100_000), intArg(args, 3, 500));
            default -> throw new IllegalArgumentException(
                    "usage: BrokerScaleHarness heap|rebuild|storm [hosts] [sessions] [storm batch]");
        }
        System.exit(0);
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index].replace("_", "")) : fallback;
    }

    /** Every record the broker feeds on, in topic order: pools and app groups, host health, then sessions. */
    static void records(int hosts, int sessions, Consumer<ProducerRecord<String, byte[]>> sink) {
        long now = System.currentTimeMillis();
        for (int p = 0; p < POOLS; p++) {
            String poolId = "pool-" + p;
            sink.accept(new ProducerRecord<>(Topics.CONFIG, ConfigKey.pool(poolId).asString(), EventCodec.encode(
                    new HostPoolConfig(0, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, MAX_SESSIONS_PER_HOST,
                            PersonalAssignment.AUTOMATIC, false, 30, 60))));
            sink.accept(new ProducerRecord<>(Topics.CONFIG, ConfigKey.appGroup(poolId + "-desktop").asString(),
                    EventCodec.encode(new AppGroupConfig(0, poolId + "-desktop", poolId, AppGroupType.DESKTOP,
                            List.of(), List.of("staff")))));
        }
        for (int h = 0; h < hosts; h++) {
            String hostId = hostId(h);
            sink.accept(new ProducerRecord<>(Topics.HOST_HEALTH, hostId, EventCodec.encode(new HostHealthEvent(0,
                    hostId, "pool-" + (h % POOLS), Health.AVAILABLE, true, null, List.of(),
                    Instant.ofEpochMilli(now), List.of()))));
        }
        Instant created = Instant.ofEpochMilli(now);
        for (int s = 0; s < sessions; s++) {
            int h = s % hosts;
            String sessionId = String.format(Locale.ROOT, "%08x-0000-4000-8000-%012d", s, s);
            sink.accept(new ProducerRecord<>(Topics.SESSIONS, sessionId, EventCodec.encode(new SessionEvent(0,
                    sessionId, "user-" + s, "pool-" + (h % POOLS), hostId(h), SessionState.ACTIVE, created, created,
                    null))));
        }
    }

    private static String hostId(int h) {
        return String.format(Locale.ROOT, "vdi-%06d.corp.example", h);
    }

    private static void heap(int hosts, int sessions) throws Exception {
        BrokerCaches caches = BrokerCaches.start(new ClusterConfig("berth-scale-" + ProcessHandle.current().pid(),
                Optional.empty(), "scale"), new BrokerSettings("127.0.0.1", 7880, "127.0.0.1[7880]", 100,
                Optional.empty(), 300, "berth-scale"), ClusterSecret.ofPassphrase("berth-scale-harness-secret"));
        LocalIndex index = new LocalIndex(System::currentTimeMillis);
        index.follow(caches);
        FeedApplier applier = feedApplier(caches);
        long before = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "used heap after GC, caches empty: %.1f MiB%n", before / 1048576.0);

        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        long threadCpuStarted = threadCpuNanos();
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(5000);
        long[] offset = {0};
        records(hosts, sessions, record -> {
            batch.add(new ConsumerRecord<>(record.topic(), 0, offset[0]++, record.key(), record.value()));
            if (batch.size() == 5000) {
                applier.apply(batch);
                batch.clear();
            }
        });
        applier.apply(batch);
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStarted) / 1e9;
        double threadCpuSeconds = (threadCpuNanos() - threadCpuStarted) / 1e9;
        long after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "fed %d hosts + %d sessions (%d records) in %.1f s (%.0f records/s)%n",
                hosts, sessions, offset[0], seconds, offset[0] / seconds);
        System.out.printf(Locale.ROOT, "feed CPU time: %.1f s on the feeding thread, %.1f s in the process%n",
                threadCpuSeconds, cpuSeconds);
        System.out.printf(Locale.ROOT, "caches: %d hosts, %d seats; index: %d hosts in %d pools%n",
                caches.hosts().size(), caches.seats().size(), index.hostCount(), index.poolCount());
        System.out.println(feedCounters());
        System.out.printf(Locale.ROOT, "used heap after GC, loaded: %.1f MiB (broker state: %.1f MiB)%n",
                after / 1048576.0, (after - before) / 1048576.0);
        caches.close();
    }

    static final SimpleMeterRegistry FEED_METRICS = new SimpleMeterRegistry();
    static final int STORM_POOLS = 4;
    static final int STORM_CONNECTS_PER_SECOND = 2_000;
    static final int STORM_MAX_SESSIONS_PER_HOST = 50;

    /** A record of the storm at its time on the topics (ms after the storm started). */
    private record Timed(long atMillis, int order, ProducerRecord<String, byte[]> record) {
    }

    /** The feed applier as a broker node builds it, its counters in {@link #FEED_METRICS}. */
    static FeedApplier feedApplier(BrokerCaches caches) {
        return new FeedApplier(caches, FEED_METRICS.counter("malformed"), FEED_METRICS.counter("computed"),
                FEED_METRICS.counter("unchanged"));
    }

    static String feedCounters() {
        return String.format(Locale.ROOT, "feed changes: %.0f computed, %.0f unchanged (not sent)",
                FEED_METRICS.counter("computed").count(), FEED_METRICS.counter("unchanged").count());
    }

    private static void storm(int hosts, int sessions, int batchSize) throws Exception {
        BrokerCaches caches = BrokerCaches.start(new ClusterConfig("berth-scale-" + ProcessHandle.current().pid(),
                Optional.empty(), "scale"), new BrokerSettings("127.0.0.1", 7880, "127.0.0.1[7880]", 100,
                Optional.empty(), 300, "berth-scale"), ClusterSecret.ofPassphrase("berth-scale-harness-secret"));
        LocalIndex index = new LocalIndex(System::currentTimeMillis);
        index.follow(caches);
        FeedApplier applier = feedApplier(caches);
        ReplicatedLedger ledger = new ReplicatedLedger(caches, System::currentTimeMillis);
        long start = System.currentTimeMillis();

        List<Timed> timeline = new ArrayList<>(sessions * 3 + hosts * 2);
        int order = 0;
        for (int p = 0; p < STORM_POOLS; p++) {
            String poolId = "storm-" + p;
            timeline.add(new Timed(-60_000, order++, new ProducerRecord<>(Topics.CONFIG,
                    ConfigKey.pool(poolId).asString(), EventCodec.encode(new HostPoolConfig(0, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST,
                            STORM_MAX_SESSIONS_PER_HOST, PersonalAssignment.AUTOMATIC, false, 30, 60)))));
        }
        long stormMillis = sessions * 1000L / STORM_CONNECTS_PER_SECOND + 10_000;
        for (int h = 0; h < hosts; h++) {
            String hostId = stormHostId(h);
            // Every host heartbeats every 30 s, the first one before the storm.
            for (long at = -1 - (h % 30_000); at < stormMillis; at += 30_000) {
                timeline.add(new Timed(at, order++, new ProducerRecord<>(Topics.HOST_HEALTH, hostId,
                        EventCodec.encode(new HostHealthEvent(0, hostId, stormPool(h), Health.AVAILABLE, true, null,
                                List.of(), Instant.ofEpochMilli(start + Math.max(0, at)), List.of())))));
            }
        }
        for (int s = 0; s < sessions; s++) {
            long connectedAt = s * 1000L / STORM_CONNECTS_PER_SECOND;
            int h = stormHost(s, hosts);
            String sessionId = stormSessionId(s);
            Instant created = Instant.ofEpochMilli(start + connectedAt);
            for (SessionState state : List.of(SessionState.PENDING, SessionState.ACTIVE, SessionState.ENDED)) {
                long at = connectedAt + switch (state) {
                    case PENDING -> 5;
                    case ACTIVE -> 200;
                    default -> 10_000;
                };
                timeline.add(new Timed(at, order++, new ProducerRecord<>(Topics.SESSIONS, sessionId,
                        EventCodec.encode(new SessionEvent(0, sessionId, "user-" + s, stormPool(h), stormHostId(h),
                                state, created, Instant.ofEpochMilli(start + at), state == SessionState.ENDED
                                ? "logoff" : null)))));
            }
        }
        timeline.sort(Comparator.comparingLong(Timed::atMillis).thenComparingInt(Timed::order));

        long feedNanos = 0;
        long feedCpuNanos = 0;
        long feedThreadCpuNanos = 0;
        long connectNanos = 0;
        int connected = 0;
        int refused = 0;
        long offset = 0;
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(batchSize);
        int firstOfStorm = 0;
        while (timeline.get(firstOfStorm).atMillis() < 0) {
            firstOfStorm++;
        }
        for (int from = 0; from < timeline.size(); ) {
            // The records from before the storm (pools, first heartbeats) make batches of their own.
            int to = Math.min(from < firstOfStorm ? firstOfStorm : timeline.size(), from + batchSize);
            List<Timed> slice = timeline.subList(from, to);
            from = to;
            // The connect path runs before berth.sessions shows its sessions: reserve for everyone connected by now.
            long connectStarted = System.nanoTime();
            long until = slice.get(slice.size() - 1).atMillis();
            List<CompletableFuture<Boolean>> connects = new ArrayList<>();
            while (connected < sessions && connected * 1000L / STORM_CONNECTS_PER_SECOND <= until) {
                int s = connected++;
                int h = stormHost(s, hosts);
                String poolId = stormPool(h);
                String userId = "user-" + s;
                String sessionId = stormSessionId(s);
                connects.add(ledger.claimSeat(poolId, userId, sessionId, 0L)
                        .thenCompose(seat -> ledger.reserve(stormHostId(h), sessionId, userId,
                                STORM_MAX_SESSIONS_PER_HOST, false))
                        .thenCompose(host -> ledger.completeSeat(poolId, userId, sessionId, stormHostId(h))
                                .thenApply(done -> host != null && host.holds(sessionId)))
                        .toCompletableFuture());
            }
            for (CompletableFuture<Boolean> connect : connects) {
                refused += connect.get(1, TimeUnit.MINUTES) ? 0 : 1;
            }
            connectNanos += System.nanoTime() - connectStarted;

            batch.clear();
            for (Timed timed : slice) {
                ProducerRecord<String, byte[]> record = timed.record();
                batch.add(new ConsumerRecord<>(record.topic(), 0, offset++, record.key(), record.value()));
            }
            long started = System.nanoTime();
            long cpuStarted = processCpuNanos();
            long threadCpuStarted = threadCpuNanos();
            applier.apply(batch);
            feedNanos += System.nanoTime() - started;
            feedCpuNanos += processCpuNanos() - cpuStarted;
            feedThreadCpuNanos += threadCpuNanos() - threadCpuStarted;
        }
        long slotsLeft = 0;
        for (HostEntry host : caches.hosts().values()) {
            slotsLeft += host.liveSessions();
        }
        System.out.printf(Locale.ROOT, "storm: %d hosts in %d pools, %d sessions (%d records, batches of %d); "
                        + "connect path (untimed): %.1f s, %d reservations refused%n", hosts, STORM_POOLS, sessions,
                offset, batchSize, connectNanos / 1e9, refused);
        System.out.printf(Locale.ROOT, "feed time (%d records): %.2f s (%.1f us per record)%n", offset,
                feedNanos / 1e9, feedNanos / 1e3 / offset);
        System.out.printf(Locale.ROOT, "feed CPU time: %.2f s on the feeding thread (%.1f us per record), %.2f s in the"
                + " process%n", feedThreadCpuNanos / 1e9, feedThreadCpuNanos / 1e3 / offset, feedCpuNanos / 1e9);
        System.out.printf(Locale.ROOT, "after the storm: %d hosts, %d slots still taken, %d seats%n",
                caches.hosts().size(), slotsLeft, caches.seats().size());
        System.out.println(feedCounters());
        caches.close();
    }

    private static int stormHost(int session, int hosts) {
        return session % hosts;
    }

    private static String stormPool(int host) {
        return "storm-" + (host % STORM_POOLS);
    }

    private static String stormHostId(int h) {
        return String.format(Locale.ROOT, "storm-%05d.corp.example", h);
    }

    private static String stormSessionId(int s) {
        return String.format(Locale.ROOT, "%08x-0000-4000-8000-%012d", s, s);
    }

    private static void rebuild(int hosts, int sessions) throws Exception {
        KafkaClusterExtension kafka = new KafkaClusterExtension();
        kafka.start();
        TopicBootstrapper.ensureTopics(kafka.kafkaConfig(), Duration.ofSeconds(60));
        long fillStarted = System.nanoTime();
        long[] count = {0};
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            records(hosts, sessions, record -> {
                producer.send(record);
                count[0]++;
            });
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "Kafka filled with %d records (%d hosts, %d sessions) in %.1f s%n",
                count[0], hosts, sessions, (System.nanoTime() - fillStarted) / 1e9);

        Map<String, String> env = Map.of(ClusterConfig.NAME, "berth-scale-" + ProcessHandle.current().pid(),
                ClusterConfig.NODE, "scale", BrokerSettings.JGROUPS_PORT, "7881");
        HttpClient http = HttpClient.newHttpClient();
        long started = System.nanoTime();
        RunningService broker = ServiceRuntime.start(kafka.serviceConfig(ServiceName.BROKER, env),
                BrokerVerticle.factory(Env.of(env))).await(120, TimeUnit.SECONDS);
        double listening = (System.nanoTime() - started) / 1e9;
        URI ready = URI.create("http://127.0.0.1:" + broker.httpPort() + "/health/ready");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int lastProgress = -1;
        while (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready after 10 minutes");
            }
            int second = (int) ((System.nanoTime() - started) / 1_000_000_000L);
            if (second / 5 != lastProgress) {
                lastProgress = second / 5;
                System.out.printf(Locale.ROOT, "  %3d s: not ready yet%n", second);
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "broker node listening after %.1f s, /health/ready = 200 after %.1f s%n",
                listening, seconds);
        System.out.printf(Locale.ROOT, "used heap after GC (broker + in-JVM Kafka): %.1f MiB%n",
                usedHeapAfterGc() / 1048576.0);
        broker.close().await(60, TimeUnit.SECONDS);
        kafka.stop();
    }

    /** CPU time of the whole process: unlike the wall clock, not inflated by other processes on the machine. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of this thread. On a one-node cluster the feed's computes and the index listeners run on the
     * thread that applies the batch, so this is the feed's own CPU, unaffected by other work on the machine.
     */
    static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
