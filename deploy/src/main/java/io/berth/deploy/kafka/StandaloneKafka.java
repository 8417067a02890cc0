package io.berth.deploy.kafka;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceConfig;

import java.nio.file.Path;

/**
 * {@code java -cp berth-local.jar io.berth.deploy.kafka.StandaloneKafka}: the launcher's embedded Kafka alone in
 * its own process, for a topology of separate service processes (the fault suite kills, pauses and restarts it
 * like any other process). Reads the launcher's settings: {@code BERTH_DATA_DIR} (log under {@code DIR/kafka}),
 * {@code BERTH_KAFKA_PORT}, {@code BERTH_KAFKA_CONTROLLER_PORT}. Prints {@code Kafka ready on host:port} once
 * it answers clients; exits 1 when it cannot start; SIGTERM stops it cleanly.
 */
public final class StandaloneKafka {

    /** The line printed once Kafka answers clients, followed by its bootstrap address. */
    public static final String READY_LINE = "Kafka ready on ";

    private StandaloneKafka() {
    }

    public static void main(String[] args) {
        EmbeddedKafkaServer kafka;
        try {
            Env env = Env.system();
            Path dataDir = env.path(ServiceConfig.DATA_DIR, Path.of(".berth"));
            kafka = EmbeddedKafkaServer.start(EmbeddedKafkaServer.Settings.from(env, dataDir));
        } catch (ConfigException | EmbeddedKafkaServer.KafkaStartException e) {
            System.err.println("standalone Kafka failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "standalone-kafka-shutdown"));
        System.out.println(READY_LINE + kafka.bootstrapServers());
    }
}
