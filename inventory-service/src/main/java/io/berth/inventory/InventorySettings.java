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
 * @param scalerInterval how often the writer evaluates each scaling plan's pools ({@value #SCALER_INTERVAL_SECONDS},
 *                       default 30 s, 1..3600)
 */
public record InventorySettings(Optional<URI> advertisedUrl, Duration writerFailover, Duration scalerInterval) {

    public static final String ADVERTISED_URL = "BERTH_INVENTORY_ADVERTISED_URL";
    public static final String WRITER_FAILOVER_MS = "BERTH_INVENTORY_WRITER_FAILOVER_MS";
    public static final String SCALER_INTERVAL_SECONDS = "BERTH_SCALER_INTERVAL_SECONDS";

    public static final InventorySettings DEFAULTS = new InventorySettings(Optional.empty(), Duration.ofSeconds(6),
            Duration.ofSeconds(30));

    /** Settings with the default scaler interval. */
    public InventorySettings(Optional<URI> advertisedUrl, Duration writerFailover) {
        this(advertisedUrl, writerFailover, DEFAULTS.scalerInterval());
    }

    public InventorySettings {
        if (scalerInterval == null || scalerInterval.isNegative() || scalerInterval.isZero()) {
            throw new ConfigException(SCALER_INTERVAL_SECONDS + " must be a positive number of seconds");
        }
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
        int scalerSeconds = env.integer(SCALER_INTERVAL_SECONDS, (int) DEFAULTS.scalerInterval().toSeconds(), 1, 3600);
        return new InventorySettings(url, Duration.ofMillis(failoverMillis), Duration.ofSeconds(scalerSeconds));
    }

    /** The URL to advertise when this instance listens on {@code host}:{@code port}. */
    String advertisedUrl(String host, int port) {
        return advertisedUrl.map(URI::toString).map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                .orElseGet(() -> "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host) + ":"
                        + port);
    }
}
