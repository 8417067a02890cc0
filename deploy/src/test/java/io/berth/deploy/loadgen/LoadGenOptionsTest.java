package io.berth.deploy.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadGenOptionsTest {

    @Test
    void parsesEveryKindOfFlag() {
        // when
        LoadGenOptions options = LoadGenOptions.parse("--pools", "2", "--hosts-per-pool=100", "--rate", "2000",
                "--duration", "30", "--baseline", "--load-balancer", "depth_first", "--session-seconds", "5",
                "--broker-port", "18080", "--agent-connections", "512");

        // then
        assertThat(options.pools()).isEqualTo(2);
        assertThat(options.hostsPerPool()).isEqualTo(100);
        assertThat(options.rate()).isEqualTo(2000);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.baseline()).isTrue();
        assertThat(options.max()).isFalse();
        assertThat(options.loadBalancer()).isEqualTo("DEPTH_FIRST");
        assertThat(options.brokerPort()).isEqualTo(18080);
        assertThat(options.inventoryPort()).isEqualTo(8081);
        assertThat(options.agentConnections()).isEqualTo(512);
        assertThat(options.connections()).isEqualTo(64);
        assertThat(LoadGenOptions.defaults().agentConnections()).isEqualTo(256);
    }

    @Test
    void refusesUnboundedOrImpossibleRuns() {
        assertThatThrownBy(() -> LoadGenOptions.parse("--duration", "100000"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--duration");
        assertThatThrownBy(() -> LoadGenOptions.parse("--agent-connections", "0"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--agent-connections");
        assertThatThrownBy(() -> LoadGenOptions.parse("--rate", "fast"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadGenOptions.parse("--host", "example.com"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--host");
        // 5000 connects/s of 60 s sessions need 300000 live sessions; 1 x 10 hosts x 10 cannot hold them
        assertThatThrownBy(() -> LoadGenOptions.parse("--pools", "1", "--hosts-per-pool", "10",
                "--max-sessions-per-host", "10", "--rate", "5000", "--session-seconds", "60"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("more than the fleet holds");
    }

    @Test
    void everyOptionHasItsDocumentedDefault() {
        // when
        LoadGenOptions options = LoadGenOptions.defaults();

        // then
        assertThat(options.pools()).isEqualTo(4);
        assertThat(options.hostsPerPool()).isEqualTo(250);
        assertThat(options.maxSessionsPerHost()).isEqualTo(50);
        assertThat(options.loadBalancer()).isEqualTo("BREADTH_FIRST");
        assertThat(options.sessionLength()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.logonDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.cleanup()).isFalse();
        assertThat(options.rate()).isEqualTo(1000);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.connections()).isEqualTo(64);
        assertThat(options.agentConnections()).isEqualTo(256);
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.baseline()).isFalse();
        assertThat(options.max()).isFalse();
        assertThat(options.p99BoundMillis()).isEqualTo(25);
        assertThat(options.stepDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.maxRate()).isEqualTo(50_000);
        assertThat(options.brokerPort()).isEqualTo(8080);
        assertThat(options.inventoryPort()).isEqualTo(8081);
        assertThat(options.sessionPort()).isEqualTo(8082);
        assertThat(options.dataDir()).isEqualTo(Path.of(".berth"));
        assertThat(options.adminToken()).isEmpty();
        assertThat(options.gatewayToken()).isEmpty();
        assertThat(options.output()).isEqualTo(Path.of("loadgen-summary.json"));
        assertThat(options.help()).isFalse();
    }

    @Test
    void everyValuedOptionTakesItsValue() {
        // when
        LoadGenOptions options = LoadGenOptions.parse("--max-sessions-per-host", "7", "--logon-delay-ms", "0",
                "--cleanup", "--warmup", "0", "--connections", "8", "--timeout-ms", "500", "--max", "--p99-ms", "2.5",
                "--step-seconds", "3", "--max-rate", "900", "--inventory-port", "18081", "--session-port", "18082",
                "--data-dir", "/tmp/berth", "--admin-token", "a", "--gateway-token", "g", "--output", "out.json");

        // then
        assertThat(options.maxSessionsPerHost()).isEqualTo(7);
        assertThat(options.logonDelay()).isZero();
        assertThat(options.cleanup()).isTrue();
        assertThat(options.warmup()).isZero();
        assertThat(options.connections()).isEqualTo(8);
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.max()).isTrue();
        assertThat(options.p99BoundMillis()).isEqualTo(2.5);
        assertThat(options.stepDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.maxRate()).isEqualTo(900);
        assertThat(options.inventoryPort()).isEqualTo(18081);
        assertThat(options.sessionPort()).isEqualTo(18082);
        assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/berth"));
        assertThat(options.adminToken()).contains("a");
        assertThat(options.gatewayToken()).contains("g");
        assertThat(options.output()).isEqualTo(Path.of("out.json"));
    }

    @ParameterizedTest
    @CsvSource({
            "--pools, 0, --pools must be between 1 and 100",
            "--hosts-per-pool, 10001, --hosts-per-pool must be between 1 and 10000",
            "--max-sessions-per-host, 0, --max-sessions-per-host must be between 1 and 10000",
            "--load-balancer, ROUND_ROBIN, --load-balancer",
            "--session-seconds, 0, --session-seconds must be between 1 and 86400",
            "--logon-delay-ms, 60001, --logon-delay-ms must be between 0 and 60000",
            "--rate, 0.5, --rate must be between 1.0 and 100000.0",
            "--duration, 0, --duration must be between 1 and 3600",
            "--warmup, 601, --warmup must be between 0 and 600",
            "--connections, 1025, --connections must be between 1 and 1024",
            "--agent-connections, x, --agent-connections must be a whole number, was 'x'",
            "--timeout-ms, 99, --timeout-ms must be between 100 and 120000",
            "--p99-ms, 0, --p99-ms must be between 0.1 and 60000.0",
            "--step-seconds, 601, --step-seconds must be between 1 and 600",
            "--max-rate, lots, --max-rate must be a number, was 'lots'",
            "--broker-port, 0, --broker-port must be between 1 and 65535",
            "--inventory-port, 65536, --inventory-port must be between 1 and 65535",
            "--session-port, -2, --session-port must be between 1 and 65535",
    })
    void aBadValueIsAUsageErrorNamingItsFlag(String flag, String value, String message) {
        assertThatThrownBy(() -> LoadGenOptions.parse(flag, value))
                .isInstanceOf(ParameterException.class).hasMessageContaining(message);
    }

    @Test
    void theLastOfARepeatedFlagWinsAndAnAtSignIsAPlainValue() {
        // when
        LoadGenOptions options = LoadGenOptions.parse("--rate", "10", "--rate", "20", "--admin-token", "@token");

        // then
        assertThat(options.rate()).isEqualTo(20);
        assertThat(options.adminToken()).contains("@token");
    }

    @Test
    void aValuedFlagWithoutItsValueIsAUsageError() {
        assertThatThrownBy(() -> LoadGenOptions.parse("--output"))
                .isInstanceOf(ParameterException.class).hasMessage("--output needs a value");
    }

    @Test
    void usageIsGeneratedFromTheOptions() {
        // when
        String usage = new CommandLine(new LoadGenOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF);

        // then
        assertThat(usage).startsWith("Usage: java -jar berth-loadgen.jar")
                .contains("--hosts-per-pool=N", "--logon-delay-ms=D", "default 250", "BREADTH_FIRST, DEPTH_FIRST");
    }
}
