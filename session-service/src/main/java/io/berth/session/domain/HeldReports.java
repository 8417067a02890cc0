package io.berth.session.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Agent reports for sessions not known yet, waiting a bounded time for their allocation, within a count per host and
 * in total ({@link UnknownReportHold}). Reports of one session are released in arrival order. Not thread-safe.
 */
final class HeldReports {

    private final UnknownReportHold limits;
    private final Map<String, List<HeldReport>> bySession = new HashMap<>();
    private final Map<String, Integer> countByHost = new HashMap<>();
    /** Every waiting report, oldest first, so that expiry looks only at the head. */
    private final LinkedHashSet<HeldReport> byArrival = new LinkedHashSet<>();

    HeldReports(UnknownReportHold limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Holds a report; {@code false} (nothing held) when its host's or the total limit is reached. */
    boolean hold(AgentReport report, Instant now) {
        int ofHost = countByHost.getOrDefault(report.hostId(), 0);
        if (ofHost >= limits.maxPerHost() || byArrival.size() >= limits.maxTotal()) {
            return false;
        }
        add(new HeldReport(report, now));
        return true;
    }

    /**
     * Holds again reports that were released but whose application was undone (its record was not published),
     * with their first hold time, so they expire when they would have. Within the limits they were taken under.
     */
    void restore(List<HeldReport> released) {
        released.forEach(this::add);
    }

    private void add(HeldReport held) {
        bySession.computeIfAbsent(held.report().sessionId(), id -> new ArrayList<>(2)).add(held);
        countByHost.merge(held.report().hostId(), 1, Integer::sum);
        byArrival.add(held);
    }

    boolean isHolding(String sessionId) {
        return bySession.containsKey(sessionId);
    }

    /** Takes the reports held for a session, in arrival order (empty when none). */
    List<HeldReport> release(String sessionId) {
        List<HeldReport> held = bySession.remove(sessionId);
        if (held == null) {
            return List.of();
        }
        for (HeldReport one : held) {
            byArrival.remove(one);
            uncount(one.report().hostId());
        }
        return held;
    }

    /** Drops the reports held for the whole hold time by {@code now}; returns how many. */
    int expire(Instant now) {
        int expired = 0;
        for (Iterator<HeldReport> oldest = byArrival.iterator(); oldest.hasNext(); ) {
            HeldReport held = oldest.next();
            if (held.heldAt().plus(limits.hold()).isAfter(now)) {
                break;
            }
            oldest.remove();
            uncount(held.report().hostId());
            List<HeldReport> ofSession = bySession.get(held.report().sessionId());
            ofSession.remove(held);
            if (ofSession.isEmpty()) {
                bySession.remove(held.report().sessionId());
            }
            expired++;
        }
        return expired;
    }

    int size() {
        return byArrival.size();
    }

    private void uncount(String hostId) {
        countByHost.computeIfPresent(hostId, (host, count) -> count > 1 ? count - 1 : null);
    }
}
