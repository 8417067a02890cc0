package io.berth.inventory;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The inventory-service's own settings, beyond the shared {@code ServiceConfig}.
 *
 * @param advertisedUrl  the base URL other instances forward writes to while this instance is the writer
 *                       ({@value #ADVERTISED_URL}); absent: {@code http://<listen host, or 127.0.0.1>:<port>}
 * @param writerFailover how long a silent writer keeps the role before another instance takes over: the
 *                       writer election's Kafka session timeout ({@value #WRITER_FAILOVER_MS}, default 6000 ms,
 *                       the broker's smallest allowed session by default)
 */
public record InventorySettings(Optional<URI> advertisedUrl, Duration writerFailover) {

    public static final String ADVERTISED_URL = "BERTH_INVENTORY_ADVERTISED_URL";
    public static final String WRITER_FAILOVER_MS = "BERTH_INVENTORY_WRITER_FAILOVER_MS";

    public static final InventorySettings DEFAULTS = new InventorySettings(Optional.empty(), Duration.ofSeconds(6));

    public InventorySettings {
        advertisedUrl.ifPresent(url -> {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new ConfigException(ADVERTISED_URL + " must be an http(s) URL such as http://10.0.0.5:8081, was '"
                        + url + "'");
            }
        });
    }

    public static InventorySettings load(Env env) {
        Optional<URI> url = env.get(ADVERTISED_URL).map(raw -> env.parsed(ADVERTISED_URL, null, URI::create,
                "an http(s) URL such as http://10.0.0.5:8081"));
        int failoverMillis = env.integer(WRITER_FAILOVER_MS, (int) DEFAULTS.writerFailover().toMillis(), 1_000, 300_000);
        return new InventorySettings(url, Duration.ofMillis(failoverMillis));
    }

    /** The URL to advertise when this instance listens on {@code host}:{@code port}. */
    String advertisedUrl(String host, int port) {
        return advertisedUrl.map(URI::toString).map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                .orElseGet(() -> "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host) + ":"
                        + port);
    }
}
