package io.berth.deploy.loadgen;

import io.berth.common.config.ServiceName;
import io.berth.deploy.BerthLocal;
import io.berth.deploy.BerthServices;
import io.berth.deploy.LauncherOptions;
import io.berth.deploy.LauncherTestEnv;
import io.berth.deploy.LocalStack;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A short load run against the launcher's services: setup through the API, connects, agents, summary. */
class LoadGeneratorIT {

    @TempDir
    Path dataDir;

    @Test
    void drivesConnectsAndTheNoOpBaselineAndSummarisesThem() throws Exception {
        // given a running Berth on ports of its own
        try (LocalStack stack = BerthLocal.start(LauncherOptions.parse("--data-dir", dataDir.toString(), "--demo-hosts", "0"),
                LauncherTestEnv.env(), BerthServices.all())) {
            LoadGenOptions options = LoadGenOptions.parse(
                    "--pools", "2", "--hosts-per-pool", "5", "--max-sessions-per-host", "20",
                    "--rate", "40", "--duration", "3", "--warmup", "1", "--session-seconds", "1", "--baseline", "--cleanup",
                    "--broker-port", String.valueOf(stack.port(ServiceName.BROKER)),
                    "--inventory-port", String.valueOf(stack.port(ServiceName.INVENTORY)),
                    "--session-port", String.valueOf(stack.port(ServiceName.SESSION)),
                    "--kafka-port", stack.kafkaBootstrapServers().substring(stack.kafkaBootstrapServers().lastIndexOf(':') + 1),
                    "--admin-token", stack.adminToken(), "--gateway-token", stack.gatewayToken());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LoadGenerator generator = new LoadGenerator(options, new PrintStream(console, true, StandardCharsets.UTF_8));

            // when
            JsonObject summary;
            try {
                summary = generator.runAll();
            } finally {
                generator.close();
            }

            // then every connect was answered 200, the baseline ran, the agents logged users on and off
            JsonObject connect = summary.getJsonArray("phases").getJsonObject(0);
            assertThat(connect.getString("endpoint")).isEqualTo("POST /api/v1/connect");
            assertThat(connect.getLong("completed")).isEqualTo(120);
            assertThat(connect.getJsonObject("outcomes").getMap()).containsOnlyKeys("200");
            assertThat(connect.getJsonObject("latencyMs").getDouble("p99")).isPositive();
            JsonObject noop = summary.getJsonArray("phases").getJsonObject(1);
            assertThat(noop.getString("endpoint")).isEqualTo("GET /health/live");
            assertThat(summary.getDouble("connectToNoopRatio")).isPositive();
            assertThat(summary.getJsonObject("agent").getLong("logons")).isPositive();
            assertThat(summary.getJsonObject("agent").getLong("failedAgentCalls")).isZero();
            // and the connect phase's cost: this JVM serves every port, so it is charged, and its counters count
            JsonObject cost = summary.getJsonObject("cost");
            assertThat(cost.getJsonArray("processes")).hasSize(1);
            assertThat(cost.getDouble("cpuMicrosPerConnect")).isPositive();
            assertThat(cost.getLong("allocatedBytesPerConnect")).isPositive();
            assertThat(cost.getJsonArray("allocationUncounted")).isEmpty();
            // every connect answered 200 had its allocation acknowledged by Kafka, so the broker's producer sent at
            // least one record per connect, and the services' readers fetched
            JsonObject kafka = cost.getJsonObject("kafkaClientsPerConnect");
            assertThat(kafka.fieldNames()).contains("broker-service", "session-service", "inventory-service", "total");
            assertThat(kafka.getJsonObject("broker-service").getDouble("recordsWritten")).isGreaterThanOrEqualTo(1.0);
            assertThat(kafka.getJsonObject("total").getDouble("fetches")).isPositive();
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("allocated per connect");
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("[connect ", "=== Summary ===", "p99.9");
        }
    }
}
