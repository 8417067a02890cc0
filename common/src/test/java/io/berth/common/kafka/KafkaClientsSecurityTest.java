package io.berth.common.kafka;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.common.config.KafkaConfig;
import io.berth.common.config.KafkaSecurity;
import io.berth.common.config.ServiceConfig;
import io.berth.common.config.ServiceName;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

import javax.security.auth.login.AppConfigurationEntry;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka security settings: read from BERTH_* variables, validated, handed to every client, never shown. */
class KafkaClientsSecurityTest {

    private static final Map<String, String> SCRAM = Map.of(
            KafkaSecurity.PROTOCOL, "sasl_ssl",
            KafkaSecurity.SASL_USERNAME, "berth-session",
            KafkaSecurity.SASL_PASSWORD, "pa\"ss\\word");

    @Test
    void withoutSettingsClientsSpeakPlaintextWithoutCredentials() {
        Map<String, Object> props = KafkaClients.producerProps(KafkaConfig.load(Env.of(Map.of())), "p");

        assertThat(props).containsEntry("security.protocol", "PLAINTEXT").doesNotContainKey("sasl.jaas.config");
    }

    @Test
    void scramSettingsReachProducersConsumersAndAdminsAndThePasswordSurvivesQuoting() {
        KafkaConfig config = KafkaConfig.load(Env.of(SCRAM));

        for (Map<String, Object> props : List.of(KafkaClients.producerProps(config, "p"),
                KafkaClients.consumerProps(config, "c", "g"), KafkaClients.adminProps(config, "a"))) {
            assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
            AppConfigurationEntry login = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                    new Password((String) props.get("sasl.jaas.config")))).configurationEntries().get(0);
            assertThat(login.getLoginModuleName()).endsWith("ScramLoginModule");
            assertThat(Map.<String, Object>copyOf(login.getOptions())).containsEntry("username", "berth-session")
                    .containsEntry("password", "pa\"ss\\word");
        }
    }

    @Test
    void thePasswordIsNeverInTheConfigurationsText() {
        ServiceConfig config = ServiceConfig.load(ServiceName.SESSION,
                Env.of(SCRAM).with(Map.of("BERTH_JWT_SECRET", "x".repeat(40))));

        assertThat(config.toString()).contains("SASL_SSL", "berth-session").doesNotContain("pa\"ss\\word");
    }

    @Test
    void inconsistentSettingsFailAtStartNamingTheVariable() {
        assertThatThrownBy(() -> KafkaSecurity.load(Env.of(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(KafkaSecurity.SASL_PASSWORD);
        assertThatThrownBy(() -> KafkaSecurity.load(Env.of(Map.of(KafkaSecurity.SASL_USERNAME, "u",
                KafkaSecurity.SASL_PASSWORD, "p")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KafkaSecurity.PROTOCOL).hasMessageNotContaining("=p");
        assertThatThrownBy(() -> KafkaSecurity.load(Env.of(Map.of(KafkaSecurity.PROTOCOL, "TLS"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(KafkaSecurity.PROTOCOL);
        assertThatThrownBy(() -> KafkaSecurity.load(Env.of(Map.of(KafkaSecurity.PROTOCOL, "SSL",
                KafkaSecurity.TRUSTSTORE_LOCATION, "/nonexistent/truststore.p12"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(KafkaSecurity.TRUSTSTORE_LOCATION);
    }
}
