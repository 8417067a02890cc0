package io.berth.common.config;

import java.time.Duration;

/**
 * Where a service's HTTP server listens, and the bounds that keep a slow or greedy client from holding it:
 * how long an idle connection stays open, how long a request may take to arrive in full, how many
 * connections are open at once. Port 0 picks a free port (tests).
 */
public record HttpConfig(String host, int port, Duration idleTimeout, Duration requestDeadline, int maxConnections) {

    public static final String HOST = "BERTH_HTTP_HOST";
    public static final String PORT = "BERTH_HTTP_PORT";
    public static final String IDLE_TIMEOUT = "BERTH_HTTP_IDLE_TIMEOUT_SECONDS";
    public static final String REQUEST_DEADLINE = "BERTH_HTTP_REQUEST_DEADLINE_MS";
    public static final String MAX_CONNECTIONS = "BERTH_HTTP_MAX_CONNECTIONS";
    /** Where the one-machine launcher listens unless {@code BERTH_HTTP_HOST} says otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    /** Longer than any gateway's or agent's pause between requests on a kept-alive connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    /** A 64 KiB body arrives in milliseconds from an honest client; ten seconds is generous. */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);
    /** Above one connection per agent of a large deployment plus the gateways' pools. */
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;

    public HttpConfig(String host, int port) {
        this(host, port, DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_DEADLINE, DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * Loads a service's listener. {@code BERTH_<SERVICE>_HTTP_PORT} (e.g. {@code BERTH_BROKER_HTTP_PORT})
     * wins; {@code BERTH_HTTP_PORT} applies when {@code allowGenericPort} (one service per process).
     */
    public static HttpConfig load(Env env, ServiceName service, boolean allowGenericPort) {
        String specific = service.envPrefix() + "_HTTP_PORT";
        int port = env.get(specific).isPresent() || !allowGenericPort
                ? env.integer(specific, service.defaultPort(), 0, 65535)
                : env.integer(PORT, service.defaultPort(), 0, 65535);
        return new HttpConfig(env.string(HOST, "0.0.0.0"), port,
                Duration.ofSeconds(env.integer(IDLE_TIMEOUT, (int) DEFAULT_IDLE_TIMEOUT.toSeconds(), 1, 3600)),
                Duration.ofMillis(env.integer(REQUEST_DEADLINE, (int) DEFAULT_REQUEST_DEADLINE.toMillis(), 100, 300_000)),
                env.integer(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, 1_000_000));
    }

    /** This listener on another host and port, with the same bounds (tests, launchers). */
    public HttpConfig withAddress(String host, int port) {
        return new HttpConfig(host, port, idleTimeout, requestDeadline, maxConnections);
    }
}
