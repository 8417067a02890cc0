package io.berth.faults.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of one scenario run: each check (what it means, the figure measured, pass or fail) and the
 * figures that are shown but not judged (latency per node and phase, counts). Printed as a table; a
 * scenario with a failed check fails its test with the table as the message.
 */
public final class ScenarioReport {

    /** One judged check. */
    public record Check(String name, String measured, boolean passed) {
    }

    private final String scenario;
    private final List<Check> checks = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();

    public ScenarioReport(String scenario) {
        this.scenario = scenario;
    }

    public String scenario() {
        return scenario;
    }

    /** A check that passes when {@code violations} is empty; the first few violations are shown. */
    public ScenarioReport none(String name, List<String> violations) {
        String measured = violations.isEmpty() ? "0" : violations.size() + ": " + violations.stream().limit(3)
                .collect(Collectors.joining("; ")) + (violations.size() > 3 ? "; ..." : "");
        return check(name, measured, violations.isEmpty());
    }

    /** A check that passes when {@code value <= bound}. */
    public ScenarioReport atMost(String name, long value, long bound, String unit) {
        return check(name + " <= " + bound + " " + unit, value + " " + unit, value <= bound);
    }

    /** A check that passes when {@code value >= bound}. */
    public ScenarioReport atLeast(String name, long value, long bound, String unit) {
        return check(name + " >= " + bound + " " + unit, value + " " + unit, value >= bound);
    }

    public ScenarioReport check(String name, String measured, boolean passed) {
        checks.add(new Check(name, measured, passed));
        return this;
    }

    public ScenarioReport figure(String figure) {
        figures.add(figure);
        return this;
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    /** The table: one row per check, then the figures, then the verdict. */
    public String table() {
        int nameWidth = Math.max(40, checks.stream().mapToInt(c -> c.name().length()).max().orElse(0));
        String rule = "-".repeat(Math.min(160, nameWidth + 60));
        StringBuilder out = new StringBuilder();
        out.append(rule).append('\n').append("scenario ").append(scenario).append('\n').append(rule).append('\n');
        for (Check check : checks) {
            out.append(String.format("%-4s  %-" + nameWidth + "s  %s%n", check.passed() ? "ok" : "FAIL", check.name(),
                    abbreviate(check.measured())));
        }
        if (!figures.isEmpty()) {
            out.append(rule).append('\n');
            figures.forEach(figure -> out.append("      ").append(figure).append('\n'));
        }
        out.append(rule).append('\n').append(scenario).append(": ").append(passed() ? "PASS" : "FAIL").append('\n');
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
