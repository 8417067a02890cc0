package io.berth.deploy;

import io.berth.common.config.Env;
import io.berth.common.config.HttpConfig;
import io.berth.common.config.ServiceName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's services answer this machine only unless BERTH_HTTP_HOST opens them up. */
class LocalStackBindingTest {

    @Test
    void theLauncherListensOnLoopbackByDefault() {
        Env launcher = LocalStack.onThisMachine(Env.of(Map.of()));

        for (ServiceName service : ServiceName.values()) {
            assertThat(HttpConfig.load(launcher, service, false).host()).isEqualTo("127.0.0.1");
        }
        assertThat(HttpConfig.load(Env.of(Map.of()), ServiceName.BROKER, true).host())
                .as("a service alone in its container").isEqualTo("0.0.0.0");
    }

    @Test
    void berthHttpHostOpensTheLauncherToTheNetwork() {
        Env launcher = LocalStack.onThisMachine(Env.of(Map.of(HttpConfig.HOST, "0.0.0.0")));

        assertThat(HttpConfig.load(launcher, ServiceName.SESSION, false).host()).isEqualTo("0.0.0.0");
    }
}
