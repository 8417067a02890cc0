package io.berth.broker.feed;

import io.berth.broker.cache.ApplyHealth;
import io.berth.broker.cache.BrokerCaches;
import io.berth.broker.cache.SeatChange;
import io.berth.broker.cache.SlotChange;
import io.berth.broker.domain.AppGroupAccess;
import io.berth.broker.domain.PoolPolicy;
import io.berth.broker.domain.UserSeat;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.ConfigKey;
import io.berth.common.events.EventCodec;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.MalformedEventException;
import io.berth.common.events.SessionEvent;
import io.berth.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Applies records of {@code berth.config}, {@code berth.host-health} and {@code berth.sessions} to the
 * replicated caches. Every change is idempotent (a record applied twice after a rebalance changes nothing
 * more), and within a batch only the last record of each key is applied, as compaction would keep it.
 * Blocking: it waits until the batch is replicated; runs on the feed's own thread.
 */
public final class FeedApplier {

    private static final Logger LOG = LoggerFactory.getLogger(FeedApplier.class);

    private final BrokerCaches caches;
    private final Counter malformed;

    public FeedApplier(BrokerCaches caches, Counter malformed) {
        this.caches = caches;
        this.malformed = malformed;
    }

    public void apply(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>(records.size() * 2);
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                malformed.increment();
                continue;
            }
            String identity = record.topic() + '\u0000' + record.key();
            latest.remove(identity);
            latest.put(identity, record);
        }
        List<CompletableFuture<?>> writes = new ArrayList<>(latest.size() * 2);
        for (ConsumerRecord<String, byte[]> record : latest.values()) {
            try {
                switch (record.topic()) {
                    case Topics.CONFIG -> applyConfig(record, writes);
                    case Topics.HOST_HEALTH -> applyHealth(record, writes);
                    case Topics.SESSIONS -> applySession(record, writes);
                    default -> LOG.debug("Ignoring a record of {}", record.topic());
                }
            } catch (MalformedEventException e) {
                malformed.increment();
                LOG.warn("Skipping a malformed record {}/{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying a batch", e);
        } catch (Exception e) {
            throw new IllegalStateException("the caches did not take a batch", e);
        }
    }

    private void applyConfig(ConsumerRecord<String, byte[]> record, List<CompletableFuture<?>> writes)
            throws MalformedEventException {
        Optional<ConfigKey> parsed = ConfigKey.parse(record.key());
        if (parsed.isEmpty()) {
            return;
        }
        ConfigKey key = parsed.get();
        byte[] value = record.value();
        switch (key.kind()) {
            case POOL -> writes.add(value == null
                    ? caches.pools().removeAsync(key.id())
                    : caches.pools().putAsync(key.id(), PoolPolicy.of(EventCodec.decode(value, HostPoolConfig.class))));
            case APP_GROUP -> writes.add(value == null
                    ? caches.appGroups().removeAsync(key.id())
                    : caches.appGroups().putAsync(key.id(),
                    AppGroupAccess.of(EventCodec.decode(value, AppGroupConfig.class))));
            case HOST -> {
                // A registration carries nothing placement needs; its tombstone means the host was deleted.
                if (value == null) {
                    writes.add(caches.hosts().removeAsync(key.id()));
                }
            }
        }
    }

    private void applyHealth(ConsumerRecord<String, byte[]> record, List<CompletableFuture<?>> writes)
            throws MalformedEventException {
        if (record.value() == null) {
            writes.add(caches.hosts().removeAsync(record.key()));
            return;
        }
        HostHealthEvent health = EventCodec.decode(record.value(), HostHealthEvent.class);
        if (health.hostId() == null || health.health() == null) {
            throw new MalformedEventException("a host-health record without hostId or health");
        }
        long lastHeartbeat = health.lastHeartbeat() == null ? 0L : health.lastHeartbeat().toEpochMilli();
        writes.add(caches.hosts().computeAsync(health.hostId(), new ApplyHealth(health.poolId(),
                health.health().name(), health.allowNewSessions(), health.assignedUser(), lastHeartbeat)));
    }

    private void applySession(ConsumerRecord<String, byte[]> record, List<CompletableFuture<?>> writes)
            throws MalformedEventException {
        if (record.value() == null) {
            // Tombstones follow ENDED, which already freed the slot and left the seat.
            return;
        }
        SessionEvent session = EventCodec.decode(record.value(), SessionEvent.class);
        if (session.sessionId() == null || session.userId() == null || session.poolId() == null
                || session.hostId() == null || session.state() == null) {
            throw new MalformedEventException("a session record without sessionId, userId, poolId, hostId or state");
        }
        SlotChange slot = session.state().isLive()
                ? SlotChange.confirm(session.sessionId(), session.userId(), session.poolId())
                : SlotChange.end(session.sessionId());
        writes.add(caches.hosts().computeAsync(session.hostId(), slot));
        writes.add(caches.seats().computeAsync(UserSeat.key(session.poolId(), session.userId()),
                SeatChange.sessionState(session.poolId(), session.userId(), session.sessionId(), session.hostId(),
                        session.state())));
    }
}
