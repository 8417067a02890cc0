package io.berth.inventory.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands one host's agent has acknowledged that are still under 10 minutes old, as kept on
 * {@code berth.config} under key {@code hostcommands/{hostId}} (inventory-internal; other services ignore the
 * prefix). {@code acked} maps each command id to the command's {@code at}, so that the record can be pruned.
 * Published in the writer's transaction with the heartbeat that acknowledged them, it lets the next writer,
 * which reads {@code berth.host-commands} again from 10 minutes back, leave them unsent.
 */
public record AcknowledgedCommands(int v, String hostId, Map<String, Instant> acked) {

    public static final String KEY_PREFIX = "hostcommands/";
    public static final int CURRENT_VERSION = 1;

    public AcknowledgedCommands {
        v = v == 0 ? CURRENT_VERSION : v;
        acked = acked == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(acked));
    }

    public String key() {
        return KEY_PREFIX + hostId;
    }
}
