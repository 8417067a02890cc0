package io.berth.common.config;

/** Berth's three services, with their default ports (DESIGN.md section 3). */
public enum ServiceName {
    BROKER("broker-service", "BERTH_BROKER", 8080),
    INVENTORY("inventory-service", "BERTH_INVENTORY", 8081),
    SESSION("session-service", "BERTH_SESSION", 8082);

    private final String id;
    private final String envPrefix;
    private final int defaultPort;

    ServiceName(String id, String envPrefix, int defaultPort) {
        this.id = id;
        this.envPrefix = envPrefix;
        this.defaultPort = defaultPort;
    }

    public String id() {
        return id;
    }

    public String envPrefix() {
        return envPrefix;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
