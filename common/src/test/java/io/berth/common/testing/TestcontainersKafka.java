package io.berth.common.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.util.function.Consumer;

/** Kafka in a container, for {@code -Dberth.kafka=testcontainers} on machines with a Docker engine. */
final class TestcontainersKafka {

    static final String IMAGE = "apache/kafka:4.1.1";

    private TestcontainersKafka() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static String start(Consumer<AutoCloseable> owner) {
        if (!dockerAvailable()) {
            throw new IllegalStateException("-Dberth.kafka=testcontainers needs a Docker engine, and none is reachable");
        }
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        owner.accept(container);
        return container.getBootstrapServers();
    }
}
