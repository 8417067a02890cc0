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

    /** One waiting report; identity matters (the same report may be sent twice), hence the sequence number. */
    private record Held(long sequence, AgentReport report, Instant heldAt) {
    }

    private final UnknownReportHold limits;
    private final Map<String, List<Held>> bySession = new HashMap<>();
    private final Map<String, Integer> countByHost = new HashMap<>();
    /** Every waiting report, oldest first, so that expiry looks only at the head. */
    private final LinkedHashSet<Held> byArrival = new LinkedHashSet<>();
    private long sequence;

    HeldReports(UnknownReportHold limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Holds a report; {@code false} (nothing held) when its host's or the total limit is reached. */
    boolean hold(AgentReport report, Instant now) {
        int ofHost = countByHost.getOrDefault(report.hostId(), 0);
        if (ofHost >= limits.maxPerHost() || byArrival.size() >= limits.maxTotal()) {
            return false;
        }
        Held held = new Held(sequence++, report, now);
        bySession.computeIfAbsent(report.sessionId(), id -> new ArrayList<>(2)).add(held);
        countByHost.put(report.hostId(), ofHost + 1);
        byArrival.add(held);
        return true;
    }

    boolean isHolding(String sessionId) {
        return bySession.containsKey(sessionId);
    }

    /** Takes the reports held for a session, in arrival order (empty when none). */
    List<AgentReport> release(String sessionId) {
        List<Held> held = bySession.remove(sessionId);
        if (held == null) {
            return List.of();
        }
        List<AgentReport> reports = new ArrayList<>(held.size());
        for (Held one : held) {
            forget(one);
            reports.add(one.report());
        }
        return reports;
    }

    /** Drops the reports held for the whole hold time by {@code now}; returns how many. */
    int expire(Instant now) {
        int expired = 0;
        for (Iterator<Held> oldest = byArrival.iterator(); oldest.hasNext(); ) {
            Held held = oldest.next();
            if (held.heldAt().plus(limits.hold()).isAfter(now)) {
                break;
            }
            oldest.remove();
            uncount(held.report().hostId());
            List<Held> ofSession = bySession.get(held.report().sessionId());
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

    private void forget(Held held) {
        byArrival.remove(held);
        uncount(held.report().hostId());
    }

    private void uncount(String hostId) {
        countByHost.computeIfPresent(hostId, (host, count) -> count > 1 ? count - 1 : null);
    }
}
