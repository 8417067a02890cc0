package io.berth.deploy.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The shipped monitoring files (alerting rules, their tests, the dashboard, the runbook), read in tests. */
final class MonitoringFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** One alerting rule of {@code deploy/prometheus/berth-alerts.yml}. */
    record AlertRule(String name, String expr, JsonNode labels, JsonNode annotations) {
    }

    /** One query of the Grafana dashboard. */
    record DashboardQuery(String panel, String expr) {
    }

    private MonitoringFiles() {
    }

    /** The deploy module's directory (Maven runs tests there). */
    static Path deployDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("prometheus"))) {
            throw new IllegalStateException("not the deploy module's directory: " + dir);
        }
        return dir;
    }

    static Path rulesFile() {
        return deployDir().resolve("prometheus/berth-alerts.yml");
    }

    static Path rulesTestsDir() {
        return deployDir().resolve("prometheus/tests");
    }

    static Path runbook() {
        return deployDir().resolveSibling("docs").resolve("runbook.md");
    }

    static Path dashboard() {
        return deployDir().resolve("grafana/berth-dashboard.json");
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : readYaml(rulesFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    rules.add(new AlertRule(rule.get("alert").asText(), rule.get("expr").asText(),
                            rule.path("labels"), rule.path("annotations")));
                }
            }
        }
        return rules;
    }

    static List<DashboardQuery> dashboardQueries() {
        try {
            JsonNode dashboard = JSON.readTree(dashboard().toFile());
            List<DashboardQuery> queries = new ArrayList<>();
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new DashboardQuery(panel.path("title").asText(), target.path("expr").asText()));
                }
            }
            return queries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The anchors of the runbook's headings, as GitHub makes them (lower case, spaces to dashes). */
    static List<String> runbookAnchors() {
        try {
            return Files.readAllLines(runbook()).stream()
                    .filter(line -> line.startsWith("#"))
                    .map(line -> line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
                            .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> ruleTestFiles() {
        try (var files = Files.list(rulesTestsDir())) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
