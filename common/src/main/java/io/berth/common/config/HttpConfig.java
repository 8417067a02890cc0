package io.berth.common.config;

/** Where a service's HTTP server listens. Port 0 picks a free port (tests). */
public record HttpConfig(String host, int port) {

    public static final String HOST = "BERTH_HTTP_HOST";
    public static final String PORT = "BERTH_HTTP_PORT";

    /**
     * Loads a service's listener. {@code BERTH_<SERVICE>_HTTP_PORT} (e.g. {@code BERTH_BROKER_HTTP_PORT})
     * wins; {@code BERTH_HTTP_PORT} applies when {@code allowGenericPort} (one service per process).
     */
    public static HttpConfig load(Env env, ServiceName service, boolean allowGenericPort) {
        String specific = service.envPrefix() + "_HTTP_PORT";
        int port = env.get(specific).isPresent() || !allowGenericPort
                ? env.integer(specific, service.defaultPort(), 0, 65535)
                : env.integer(PORT, service.defaultPort(), 0, 65535);
        return new HttpConfig(env.string(HOST, "0.0.0.0"), port);
    }
}
