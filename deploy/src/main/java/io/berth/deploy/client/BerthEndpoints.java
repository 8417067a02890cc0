package io.berth.deploy.client;

/** Where the three services of one Berth installation answer HTTP. */
public record BerthEndpoints(String host, int brokerPort, int inventoryPort, int sessionPort) {

    /** The single-machine defaults: broker 8080, inventory 8081, session 8082 on 127.0.0.1. */
    public static BerthEndpoints localDefaults() {
        return new BerthEndpoints("127.0.0.1", 8080, 8081, 8082);
    }

    public String brokerUrl() {
        return url(brokerPort);
    }

    public String inventoryUrl() {
        return url(inventoryPort);
    }

    public String sessionUrl() {
        return url(sessionPort);
    }

    private String url(int port) {
        return "http://" + host + ":" + port;
    }
}
