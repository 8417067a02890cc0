package io.berth.deploy.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.config.ServiceName;
import io.berth.deploy.BerthLocal;
import io.berth.deploy.BerthServices;
import io.berth.deploy.LauncherOptions;
import io.berth.deploy.LauncherTestEnv;
import io.berth.deploy.LocalStack;
import io.berth.deploy.demo.DemoFleet;
import io.berth.deploy.monitoring.MonitoringFiles.AlertRule;
import io.berth.deploy.monitoring.MonitoringFiles.DashboardQuery;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped monitoring against a running launcher: a real Prometheus (Debian's binary, on loopback, with a
 * temporary data directory) scrapes the three services with {@code deploy/docker/prometheus.yml} pointed at
 * loopback and the alerting rules loaded. Through Prometheus' HTTP API, every dashboard query and every alert
 * expression evaluates without error, every rule is healthy, and the dashboard's queries return series, each
 * service's HTTP server requests among them. Skipped when {@code prometheus} is not installed.
 */
class PrometheusScrapeIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void dashboardQueriesReturnSeriesAndEveryAlertRuleEvaluates() throws Exception {
        InstalledTool prometheus = InstalledTool.require("prometheus");

        // given the launcher with a small demo fleet, and a connected user
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dir.resolve("berth").toString(),
                "--demo-hosts", "3"), LauncherTestEnv.env(), BerthServices.all())) {
            connect(stack, "alice");

            // and Prometheus scraping it with the shipped configuration, pointed at loopback
            int port = LauncherTestEnv.freePort();
            Path config = writeLoopbackConfig(stack, port);
            Process server = prometheus.start(dir, dir.resolve("prometheus.log"),
                    "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                    "--web.listen-address=127.0.0.1:" + port);
            try {
                String base = "http://127.0.0.1:" + port;
                await("Prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> get(base + "/-/ready").statusCode() == 200);

                // then it scrapes all three services
                await("three Berth targets up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(query(base, "up{job=\"berth\"} == 1")).hasSize(3));

                // and every dashboard query returns series
                List<DashboardQuery> queries = MonitoringFiles.dashboardQueries();
                await("every dashboard query returns series").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                            List<String> empty = new ArrayList<>();
                            for (DashboardQuery q : queries) {
                                if (query(base, q.expr()).isEmpty()) {
                                    empty.add(q.panel() + ": " + q.expr());
                                }
                            }
                            assertThat(empty).as("dashboard queries without series").isEmpty();
                        });
                // and the HTTP requests of every service, not only the first one started
                JsonNode httpByService = query(base, "sum by (service) (rate(vertx_http_server_requests_total[1m]))");
                Set<String> services = new HashSet<>();
                httpByService.forEach(series -> services.add(series.path("metric").path("service").asText()));
                assertThat(services).containsExactlyInAnyOrder("broker-service", "inventory-service", "session-service");

                // and every alert expression evaluates, and every rule Prometheus loaded is evaluated without error
                List<AlertRule> alerts = MonitoringFiles.alertRules();
                for (AlertRule alert : alerts) {
                    query(base, alert.expr());
                }
                await("every rule evaluated without error").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            JsonNode groups = api(base + "/api/v1/rules").path("groups");
                            Map<String, String> health = new TreeMap<>();
                            groups.forEach(group -> group.path("rules").forEach(rule -> health.put(
                                    rule.path("name").asText(),
                                    rule.path("health").asText() + " " + rule.path("lastError").asText())));
                            assertThat(health.keySet()).containsAll(alerts.stream().map(AlertRule::name).toList());
                            assertThat(health).allSatisfy((name, state) -> assertThat(state).as(name).startsWith("ok"));
                        });
            } finally {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** deploy/docker/prometheus.yml with loopback targets, 1 s intervals and the rules at their path here. */
    private Path writeLoopbackConfig(LocalStack stack, int prometheusPort) throws Exception {
        ObjectNode config = (ObjectNode) MonitoringFiles.readYaml(MonitoringFiles.deployDir().resolve("docker/prometheus.yml"));
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s").put("scrape_timeout", "1s").put("evaluation_interval", "1s");
        ArrayNode rules = config.putArray("rule_files");
        rules.add(MonitoringFiles.rulesFile().toString());
        Set<String> jobs = new HashSet<>();
        for (JsonNode job : config.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            jobs.add(name);
            ArrayNode targets = ((ObjectNode) job.path("static_configs").get(0)).putArray("targets");
            if (name.equals("berth")) {
                for (ServiceName service : ServiceName.values()) {
                    targets.add("127.0.0.1:" + stack.port(service));
                }
            } else {
                targets.add("127.0.0.1:" + prometheusPort);
            }
        }
        assertThat(jobs).as("scrape jobs of deploy/docker/prometheus.yml").contains("berth");
        Path file = dir.resolve("prometheus.yml");
        MonitoringFiles.YAML.writeValue(file.toFile(), config);
        return file;
    }

    /** The result of an instant query; fails the test when Prometheus cannot evaluate it. */
    private JsonNode query(String base, String promql) throws Exception {
        JsonNode data = api(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return data.path("result");
    }

    private JsonNode api(String url) throws Exception {
        HttpResponse<String> response = get(url);
        JsonNode body = MonitoringFiles.JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as(url + " -> " + response.body()).isEqualTo("success");
        return body.path("data");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void connect(LocalStack stack, String userId) {
        String body = new JsonObject().put("userId", userId).put("appGroupId", DemoFleet.APP_GROUP_ID).encode();
        await("a demo user connected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port(ServiceName.BROKER)
                                        + "/api/v1/connect"))
                                .header("Authorization", "Bearer " + stack.gatewayToken())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }
}
