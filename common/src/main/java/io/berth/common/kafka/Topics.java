package io.berth.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Berth's topics (DESIGN.md section 5) and how each is kept. */
public final class Topics {

    public static final String CONFIG = "berth.config";
    public static final String HOST_HEALTH = "berth.host-health";
    public static final String ALLOCATIONS = "berth.allocations";
    public static final String SESSIONS = "berth.sessions";
    public static final String HOST_COMMANDS = "berth.host-commands";

    /** One topic's name and its cleanup settings. */
    public record TopicSpec(String name, Map<String, String> settings) {
    }

    private static final Map<String, String> COMPACTED = Map.of(
            "cleanup.policy", "compact",
            // Tombstones stay a day so that a consumer that was away for hours still sees deletions.
            "delete.retention.ms", String.valueOf(Duration.ofDays(1).toMillis()),
            "min.insync.replicas", "1");

    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(CONFIG, COMPACTED),
            new TopicSpec(HOST_HEALTH, COMPACTED),
            new TopicSpec(ALLOCATIONS, Map.of(
                    "cleanup.policy", "delete",
                    "retention.ms", String.valueOf(Duration.ofDays(7).toMillis()),
                    "min.insync.replicas", "1")),
            new TopicSpec(SESSIONS, COMPACTED),
            new TopicSpec(HOST_COMMANDS, Map.of(
                    "cleanup.policy", "delete",
                    "retention.ms", String.valueOf(Duration.ofDays(1).toMillis()),
                    "min.insync.replicas", "1")));

    private Topics() {
    }
}
