package io.berth.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How Berth's Kafka clients prove who they are and protect the wire: the security protocol, a SASL
 * mechanism with a user name and password, and a trust store for TLS. The default ({@code PLAINTEXT}, no
 * credentials) suits the one-machine launcher, whose Kafka listens on loopback only; any shared Kafka gets
 * {@code SASL_SSL} with SCRAM. {@link #toString()} never shows a password.
 */
public record KafkaSecurity(String protocol, String saslMechanism, Optional<String> username,
                            Optional<String> password, Optional<Path> truststoreLocation,
                            Optional<String> truststorePassword) {

    public static final String PROTOCOL = "BERTH_KAFKA_SECURITY_PROTOCOL";
    public static final String SASL_MECHANISM = "BERTH_KAFKA_SASL_MECHANISM";
    public static final String SASL_USERNAME = "BERTH_KAFKA_SASL_USERNAME";
    public static final String SASL_PASSWORD = "BERTH_KAFKA_SASL_PASSWORD";
    public static final String TRUSTSTORE_LOCATION = "BERTH_KAFKA_SSL_TRUSTSTORE_LOCATION";
    public static final String TRUSTSTORE_PASSWORD = "BERTH_KAFKA_SSL_TRUSTSTORE_PASSWORD";

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    /** No TLS, no authentication: Kafka on loopback or a private test network only. */
    public static final KafkaSecurity NONE = new KafkaSecurity("PLAINTEXT", "SCRAM-SHA-512",
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public KafkaSecurity {
        if (!PROTOCOLS.contains(protocol)) {
            throw new ConfigException(PROTOCOL + " must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, was '"
                    + protocol + "'");
        }
        if (!MECHANISMS.contains(saslMechanism)) {
            throw new ConfigException(SASL_MECHANISM + " must be one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN, was '"
                    + saslMechanism + "'");
        }
        if (usesSasl(protocol) && (username.isEmpty() || password.isEmpty())) {
            throw new ConfigException(PROTOCOL + "=" + protocol + " needs " + SASL_USERNAME + " and " + SASL_PASSWORD);
        }
        if (!usesSasl(protocol) && (username.isPresent() || password.isPresent())) {
            // Credentials that are silently not sent are a misconfiguration that looks like security.
            throw new ConfigException(SASL_USERNAME + "/" + SASL_PASSWORD + " are only used with "
                    + PROTOCOL + "=SASL_SSL or SASL_PLAINTEXT, which is " + protocol);
        }
        if (truststoreLocation.isPresent() && !usesTls(protocol)) {
            throw new ConfigException(TRUSTSTORE_LOCATION + " is only used with " + PROTOCOL
                    + "=SSL or SASL_SSL, which is " + protocol);
        }
        if (truststoreLocation.isPresent() && !Files.isReadable(truststoreLocation.get())) {
            throw new ConfigException(TRUSTSTORE_LOCATION + " names no readable file: " + truststoreLocation.get());
        }
    }

    public static KafkaSecurity load(Env env) {
        return new KafkaSecurity(
                env.string(PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT),
                env.string(SASL_MECHANISM, "SCRAM-SHA-512").toUpperCase(Locale.ROOT),
                env.get(SASL_USERNAME),
                env.get(SASL_PASSWORD),
                env.get(TRUSTSTORE_LOCATION).map(Path::of),
                env.get(TRUSTSTORE_PASSWORD));
    }

    /** SASL over the given protocol with {@code mechanism}, for a user (fixtures, launchers). */
    public static KafkaSecurity sasl(String protocol, String mechanism, String username, String password) {
        return new KafkaSecurity(protocol, mechanism, Optional.of(username), Optional.of(password),
                Optional.empty(), Optional.empty());
    }

    public boolean usesSasl() {
        return usesSasl(protocol);
    }

    public boolean usesTls() {
        return usesTls(protocol);
    }

    private static boolean usesSasl(String protocol) {
        return protocol.startsWith("SASL_");
    }

    private static boolean usesTls(String protocol) {
        return protocol.endsWith("SSL");
    }

    @Override
    public String toString() {
        return "KafkaSecurity[" + protocol
                + (usesSasl() ? ", " + saslMechanism + " as " + username.orElse("?") + ", password=***" : "")
                + truststoreLocation.map(path -> ", truststore=" + path).orElse("")
                + (truststorePassword.isPresent() ? ", truststorePassword=***" : "") + "]";
    }
}
