package io.berth.deploy.loadgen;

import org.junit.jupiter.api.Test;

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
                .isInstanceOf(LoadGenOptions.UsageException.class).hasMessageContaining("--duration");
        assertThatThrownBy(() -> LoadGenOptions.parse("--agent-connections", "0"))
                .isInstanceOf(LoadGenOptions.UsageException.class).hasMessageContaining("--agent-connections");
        assertThatThrownBy(() -> LoadGenOptions.parse("--rate", "fast"))
                .isInstanceOf(LoadGenOptions.UsageException.class).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadGenOptions.parse("--host", "example.com"))
                .isInstanceOf(LoadGenOptions.UsageException.class).hasMessageContaining("--host");
        // 5000 connects/s of 60 s sessions need 300000 live sessions; 1 x 10 hosts x 10 cannot hold them
        assertThatThrownBy(() -> LoadGenOptions.parse("--pools", "1", "--hosts-per-pool", "10",
                "--max-sessions-per-host", "10", "--rate", "5000", "--session-seconds", "60"))
                .isInstanceOf(LoadGenOptions.UsageException.class).hasMessageContaining("more than the fleet holds");
    }
}
