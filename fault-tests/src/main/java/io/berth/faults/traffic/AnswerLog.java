package io.berth.faults.traffic;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every connect answer of a scenario, with the fault's start and end, and the figures the report prints:
 * latency percentiles and outcomes per node and phase, the longest run of failures. Thread-safe for adding;
 * the figures are read once the storm has stopped.
 */
public final class AnswerLog {

    /** Outcomes and latency of one (node, phase) cell. */
    public record Figures(String node, Phase phase, int requests, int placed, int status503, int failed,
                          long p50Millis, long p99Millis, long maxMillis) {

        @Override
        public String toString() {
            return String.format("%-9s %-6s n=%4d 200=%4d 503=%4d fail=%3d p50=%5d p99=%5d max=%5d ms",
                    node, phase.label(), requests, placed, status503, failed, p50Millis, p99Millis, maxMillis);
        }
    }

    private final List<Answer> answers = new ArrayList<>();
    private volatile long faultStartMillis = Long.MAX_VALUE;
    private volatile long faultEndMillis = Long.MAX_VALUE;

    public synchronized void add(Answer answer) {
        answers.add(answer);
    }

    public void faultStarted(long epochMillis) {
        faultStartMillis = epochMillis;
    }

    public void faultEnded(long epochMillis) {
        faultEndMillis = epochMillis;
    }

    public long faultStartMillis() {
        return faultStartMillis;
    }

    public long faultEndMillis() {
        return faultEndMillis;
    }

    public Phase phaseOf(Answer answer) {
        if (answer.dueEpochMillis() < faultStartMillis) {
            return Phase.BEFORE;
        }
        return answer.dueEpochMillis() < faultEndMillis ? Phase.DURING : Phase.AFTER;
    }

    public synchronized List<Answer> answers() {
        return answers.stream().sorted(Comparator.comparingLong(Answer::dueEpochMillis)).toList();
    }

    public List<Answer> answers(Predicate<Answer> filter) {
        return answers().stream().filter(filter).toList();
    }

    /** Session id → host id of every 200 answer: what the gateways were told, so what must be durable. */
    public Map<String, String> acknowledged() {
        Map<String, String> acknowledged = new LinkedHashMap<>();
        answers(Answer::placed).forEach(a -> acknowledged.putIfAbsent(a.sessionId(), a.hostId()));
        return acknowledged;
    }

    /** Figures per node and phase, in node then phase order. */
    public List<Figures> figures() {
        Map<String, Map<Phase, List<Answer>>> cells = answers().stream().collect(Collectors.groupingBy(Answer::node,
                TreeMap::new, Collectors.groupingBy(this::phaseOf, TreeMap::new, Collectors.toList())));
        List<Figures> figures = new ArrayList<>();
        cells.forEach((node, phases) -> phases.forEach((phase, cell) -> figures.add(figures(node, phase, cell))));
        return figures;
    }

    /** The latency p99 (ms) of the answers that match, or 0 when none does. */
    public long p99Millis(Predicate<Answer> filter) {
        List<Answer> matching = answers(filter);
        return matching.isEmpty() ? 0 : histogram(matching).getValueAtPercentile(99.0);
    }

    /**
     * The longest stretch (ms) during which every request that matched failed: from the due time of the
     * first failure after a success to the due time of the next success (or of the last request).
     */
    public long longestFailureMillis(Predicate<Answer> filter) {
        long longest = 0;
        long runStart = -1;
        long lastDue = -1;
        for (Answer answer : answers(filter)) {
            lastDue = answer.dueEpochMillis();
            if (answer.failed()) {
                if (runStart < 0) {
                    runStart = answer.dueEpochMillis();
                }
            } else if (runStart >= 0) {
                longest = Math.max(longest, answer.dueEpochMillis() - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            longest = Math.max(longest, lastDue - runStart);
        }
        return longest;
    }

    /**
     * Recovery time (ms) after {@code fromEpochMillis}: from then to the due time of the last request that
     * failed or took longer than {@code slowMillis}; 0 when none did.
     */
    public long recoveryMillis(Predicate<Answer> filter, long fromEpochMillis, long slowMillis) {
        return answers(filter).stream()
                .filter(a -> a.dueEpochMillis() >= fromEpochMillis)
                .filter(a -> a.failed() || a.latencyMillis() > slowMillis)
                .mapToLong(a -> a.dueEpochMillis() - fromEpochMillis)
                .max().orElse(0);
    }

    private static Figures figures(String node, Phase phase, List<Answer> cell) {
        Histogram histogram = histogram(cell);
        return new Figures(node, phase, cell.size(),
                (int) cell.stream().filter(Answer::placed).count(),
                (int) cell.stream().filter(a -> a.status() == 503).count(),
                (int) cell.stream().filter(a -> a.failed() && a.status() != 503).count(),
                histogram.getValueAtPercentile(50.0), histogram.getValueAtPercentile(99.0), histogram.getMaxValue());
    }

    private static Histogram histogram(List<Answer> answers) {
        Histogram histogram = new Histogram(3_600_000L, 3);
        answers.forEach(a -> histogram.recordValue(Math.max(0, Math.min(a.latencyMillis(), 3_600_000L))));
        return histogram;
    }
}
