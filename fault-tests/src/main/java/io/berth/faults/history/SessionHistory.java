package io.berth.faults.history;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The sessions of one pool as {@code berth.allocations} and {@code berth.sessions} recorded them, and the
 * invariants a fault must never break, decided from that history alone: no host above its limit at any
 * instant, no user with two live sessions at once, every acknowledged connect durable. Plain Java: the
 * suite reads the topics, this decides.
 */
public final class SessionHistory {

    private final Map<String, SessionSpan> spans;
    private final Map<String, AllocationEvent> allocations;

    private SessionHistory(Map<String, SessionSpan> spans, Map<String, AllocationEvent> allocations) {
        this.spans = spans;
        this.allocations = allocations;
    }

    /**
     * The history of {@code poolId}. A session's span starts at its allocation (or, for a session the agent
     * reported before any allocation, at its first record's {@code createdAt}) and ends at the
     * {@code updatedAt} of its first ENDED record.
     */
    public static SessionHistory of(String poolId, Collection<AllocationEvent> allocationRecords,
                                    Collection<SessionEvent> sessionRecords) {
        Map<String, AllocationEvent> allocations = new LinkedHashMap<>();
        for (AllocationEvent allocation : allocationRecords) {
            if (poolId.equals(allocation.poolId())) {
                allocations.putIfAbsent(allocation.sessionId(), allocation);
            }
        }
        Map<String, SessionEvent> firstRecords = new HashMap<>();
        Map<String, SessionEvent> endings = new HashMap<>();
        for (SessionEvent record : sessionRecords) {
            if (!poolId.equals(record.poolId())) {
                continue;
            }
            firstRecords.putIfAbsent(record.sessionId(), record);
            if (record.state() == SessionState.ENDED) {
                endings.putIfAbsent(record.sessionId(), record);
            }
        }
        Map<String, SessionSpan> spans = new LinkedHashMap<>();
        allocations.values().forEach(allocation -> spans.put(allocation.sessionId(), span(allocation.sessionId(),
                allocation.userId(), allocation.hostId(), allocation.allocatedAt(), poolId, endings)));
        firstRecords.values().stream()
                .filter(record -> !allocations.containsKey(record.sessionId()))
                .forEach(record -> spans.put(record.sessionId(), span(record.sessionId(), record.userId(),
                        record.hostId(), record.createdAt(), poolId, endings)));
        return new SessionHistory(spans, allocations);
    }

    private static SessionSpan span(String sessionId, String userId, String hostId, Instant from, String poolId,
                                    Map<String, SessionEvent> endings) {
        SessionEvent ended = endings.get(sessionId);
        return new SessionSpan(sessionId, userId, poolId, hostId, from,
                Optional.ofNullable(ended).map(SessionEvent::updatedAt),
                Optional.ofNullable(ended).map(SessionEvent::endReason));
    }

    public Collection<SessionSpan> spans() {
        return spans.values();
    }

    public Optional<SessionSpan> span(String sessionId) {
        return Optional.ofNullable(spans.get(sessionId));
    }

    public int allocationCount() {
        return allocations.size();
    }

    /** The most live sessions each host held at any one instant. */
    public Map<String, Integer> peakPerHost() {
        Map<String, List<SessionSpan>> byHost = spans.values().stream()
                .collect(Collectors.groupingBy(SessionSpan::hostId, TreeMap::new, Collectors.toList()));
        Map<String, Integer> peaks = new TreeMap<>();
        byHost.forEach((host, hostSpans) -> peaks.put(host, peakConcurrency(hostSpans)));
        return peaks;
    }

    /** Hosts that held more than {@code maxSessionsPerHost} live sessions at some instant, with their peak. */
    public List<String> overbookedHosts(int maxSessionsPerHost) {
        List<String> overbooked = new ArrayList<>();
        peakPerHost().forEach((host, peak) -> {
            if (peak > maxSessionsPerHost) {
                overbooked.add(host + " held " + peak + " > " + maxSessionsPerHost);
            }
        });
        return overbooked;
    }

    /** Users who held two live sessions at one instant, with the two sessions. */
    public List<String> doubleSessions() {
        List<String> doubles = new ArrayList<>();
        Map<String, List<SessionSpan>> byUser = spans.values().stream()
                .collect(Collectors.groupingBy(SessionSpan::userId, TreeMap::new, Collectors.toList()));
        byUser.forEach((user, userSpans) -> {
            List<SessionSpan> sorted = userSpans.stream().sorted(Comparator.comparing(SessionSpan::from)).toList();
            for (int i = 0; i < sorted.size(); i++) {
                for (int j = i + 1; j < sorted.size(); j++) {
                    if (sorted.get(i).overlaps(sorted.get(j))) {
                        doubles.add(user + ": " + sorted.get(i).sessionId() + " and " + sorted.get(j).sessionId());
                    }
                }
            }
        });
        return doubles;
    }

    /**
     * Acknowledged connects (HTTP 200: session id → host id) whose allocation is not on
     * {@code berth.allocations}, or names another host.
     */
    public List<String> lostAcknowledged(Map<String, String> acknowledgedHostBySession) {
        List<String> lost = new ArrayList<>();
        acknowledgedHostBySession.forEach((sessionId, hostId) -> {
            AllocationEvent allocation = allocations.get(sessionId);
            if (allocation == null) {
                lost.add(sessionId + " (answered 200, not on berth.allocations)");
            } else if (!allocation.hostId().equals(hostId)) {
                lost.add(sessionId + " (answered " + hostId + ", allocated " + allocation.hostId() + ")");
            }
        });
        return lost;
    }

    /** Allocations on {@code berth.allocations} whose connect was not answered 200 (a send that timed out). */
    public List<String> unacknowledgedAllocations(Set<String> acknowledgedSessionIds) {
        return allocations.keySet().stream().filter(sessionId -> !acknowledgedSessionIds.contains(sessionId)).toList();
    }

    /**
     * Sessions that ended for another reason than the agent's logoff while their host listed them: the
     * host had reported them in an accepted heartbeat before the end and had not logged them off.
     * {@code listings}: session id → when its host first reported it and when it stopped listing it.
     */
    public List<String> endedWhileListed(Map<String, HostListing> listings) {
        List<String> ended = new ArrayList<>();
        for (SessionSpan span : spans.values()) {
            HostListing listing = listings.get(span.sessionId());
            if (listing == null || span.until().isEmpty() || span.endReason().filter("LOGOFF"::equals).isPresent()) {
                continue;
            }
            if (listing.listedAt(span.until().get())) {
                ended.add(span.sessionId() + " on " + span.hostId() + " ended " + span.endReason().orElse("?")
                        + " at " + span.until().get() + " while its host listed it");
            }
        }
        return ended;
    }

    /** Live sessions per host at {@code at}. */
    public Map<String, Integer> livePerHostAt(Instant at) {
        Map<String, Integer> live = new TreeMap<>();
        spans.values().stream().filter(span -> span.liveAt(at)).forEach(span -> live.merge(span.hostId(), 1, Integer::sum));
        return live;
    }

    /** The live session of each user at {@code at} (a user with two appears once; see {@link #doubleSessions}). */
    public Map<String, SessionSpan> liveByUserAt(Instant at) {
        Map<String, SessionSpan> live = new TreeMap<>();
        spans.values().stream().filter(span -> span.liveAt(at)).forEach(span -> live.putIfAbsent(span.userId(), span));
        return live;
    }

    /** Sweep of starts and ends; at one instant ends come first (a slot freed at t may be taken at t). */
    static int peakConcurrency(List<SessionSpan> spans) {
        TreeMap<Instant, int[]> deltas = new TreeMap<>();
        for (SessionSpan span : spans) {
            deltas.computeIfAbsent(span.from(), t -> new int[2])[1]++;
            span.until().ifPresent(until -> deltas.computeIfAbsent(until, t -> new int[2])[0]++);
        }
        int live = 0;
        int peak = 0;
        for (int[] delta : deltas.values()) {
            live -= delta[0];
            live += delta[1];
            peak = Math.max(peak, live);
        }
        return peak;
    }
}
