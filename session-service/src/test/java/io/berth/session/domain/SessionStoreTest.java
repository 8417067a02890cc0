package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.SessionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's indexes (live sessions per host, counts per pool and state) against a recount of every session. */
class SessionStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final List<String> POOLS = new ArrayList<>(List.of("pool-a", "pool-b"));

    static {
        POOLS.add(null);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theIndexesAgreeWithARecountAfterEveryChange(long seed) {
        // given
        Random random = new Random(seed);
        SessionStore store = new SessionStore(new DeadlineSchedule(Duration.ofHours(24), new HostDirectory()));

        for (int step = 0; step < 2_000; step++) {
            // when a session is stored, moved, re-pooled or removed
            String sessionId = "s" + random.nextInt(40);
            Session known = store.get(sessionId);
            if (known != null && random.nextInt(6) == 0) {
                store.remove(sessionId);
            } else {
                SessionState state = SessionState.values()[random.nextInt(SessionState.values().length)];
                Session next = new Session(sessionId, "alice", POOLS.get(random.nextInt(POOLS.size())),
                        HOSTS.get(random.nextInt(HOSTS.size())), state, T0, T0.plusSeconds(step),
                        state == SessionState.ENDED ? EndReason.LOGOFF : null, null, null);
                store.put(known, next);
            }

            // then
            assertThat(liveByHost(store)).as("step %d", step).isEqualTo(recountLive(store));
            for (String pool : POOLS) {
                for (SessionState state : SessionState.values()) {
                    assertThat(store.count(pool, state)).as("step %d, %s %s", step, pool, state)
                            .isEqualTo(store.all().stream()
                                    .filter(s -> Objects.equals(s.poolId(), pool) && s.state() == state)
                                    .count());
                }
            }
        }
    }

    private static Map<String, Set<String>> liveByHost(SessionStore store) {
        Map<String, Set<String>> live = new HashMap<>();
        for (String host : HOSTS) {
            Set<String> onHost = store.liveOn(host);
            if (onHost != null) {
                live.put(host, new HashSet<>(onHost));
            }
        }
        return live;
    }

    private static Map<String, Set<String>> recountLive(SessionStore store) {
        Map<String, Set<String>> live = new HashMap<>();
        for (Session session : store.all()) {
            if (session.isLive()) {
                live.computeIfAbsent(session.hostId(), host -> new HashSet<>()).add(session.sessionId());
            }
        }
        return live;
    }
}
