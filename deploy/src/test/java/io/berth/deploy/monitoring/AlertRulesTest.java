package io.berth.deploy.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.deploy.monitoring.MonitoringFiles.AlertRule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/prometheus/berth-alerts.yml}: valid for Prometheus ({@code promtool check rules}), every alert
 * firing and staying quiet where its unit tests say ({@code promtool test rules}), and each one complete for
 * the person it wakes: a severity, a one-line summary and a runbook section that exists.
 */
class AlertRulesTest {

    private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void promtoolAcceptsEveryRule() throws Exception {
        InstalledTool promtool = InstalledTool.require("promtool");

        InstalledTool.Run check = promtool.run(MonitoringFiles.deployDir(), PROMTOOL_TIMEOUT,
                "check", "rules", MonitoringFiles.rulesFile().toString());

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + MonitoringFiles.alertRules().size() + " rules found");
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() throws Exception {
        InstalledTool promtool = InstalledTool.require("promtool");
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        MonitoringFiles.ruleTestFiles().forEach(file -> args.add(file.toString()));

        InstalledTool.Run test = promtool.run(MonitoringFiles.deployDir(), PROMTOOL_TIMEOUT, args.toArray(String[]::new));

        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertIsTestedBothFiringAndNotFiring() {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Path file : MonitoringFiles.ruleTestFiles()) {
            for (JsonNode test : MonitoringFiles.readYaml(file).path("tests")) {
                for (JsonNode check : test.path("alert_rule_test")) {
                    String alert = check.path("alertname").asText();
                    (check.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
                }
            }
        }

        List<String> alerts = MonitoringFiles.alertRules().stream().map(AlertRule::name).toList();
        assertThat(alerts).isNotEmpty();
        assertThat(firing).as("alerts with a test where they fire").containsAll(alerts);
        assertThat(quiet).as("alerts with a test where they stay quiet").containsAll(alerts);
    }

    @Test
    void everyAlertHasASeverityASummaryAndARunbookSection() {
        List<String> anchors = MonitoringFiles.runbookAnchors();

        for (AlertRule rule : MonitoringFiles.alertRules()) {
            assertThat(rule.labels().path("severity").asText()).as(rule.name() + " severity")
                    .isIn("critical", "warning");
            assertThat(rule.annotations().path("summary").asText()).as(rule.name() + " summary")
                    .isNotBlank().doesNotContain("\n");
            String runbook = rule.annotations().path("runbook_url").asText();
            assertThat(runbook).as(rule.name() + " runbook_url").startsWith("docs/runbook.md#");
            String anchor = runbook.substring(runbook.indexOf('#') + 1);
            assertThat(anchor).as(rule.name() + " runbook anchor").isEqualTo(rule.name().toLowerCase());
            assertThat(anchors).as("sections of docs/runbook.md").contains(anchor);
        }
    }

    @Test
    void theKubernetesManifestsCarryTheSameRules() throws Exception {
        JsonNode rules = MonitoringFiles.readYaml(MonitoringFiles.rulesFile());
        Path kubernetes = MonitoringFiles.deployDir().resolve("kubernetes");

        JsonNode configMap = MonitoringFiles.readYaml(kubernetes.resolve("prometheus-rules.yaml"));
        JsonNode prometheusRule = MonitoringFiles.readYaml(kubernetes.resolve("prometheus-operator/prometheus-rule.yaml"));

        String regenerate = "differs from deploy/prometheus/berth-alerts.yml: run deploy/prometheus/sync-kubernetes.sh";
        assertThat(MonitoringFiles.YAML.readTree(configMap.path("data").path("berth-alerts.yml").asText()))
                .as("ConfigMap berth-prometheus-rules " + regenerate).isEqualTo(rules);
        assertThat(prometheusRule.path("spec")).as("PrometheusRule berth-alerts " + regenerate).isEqualTo(rules);
    }
}
