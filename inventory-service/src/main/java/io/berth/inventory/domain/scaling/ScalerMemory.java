package io.berth.inventory.domain.scaling;

import io.berth.common.events.ScalingPhase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scaler did before, carried from one decision to the next: the hosts it started and when (a host
 * started within 10 minutes counts as starting), the hosts it drained and why (it undoes only its own drains),
 * per host when its forced-logoff {@code MESSAGE}s went out, the sessions it sent a {@code LOGOFF} (never sent
 * twice), the phase it last published and its last 100 actions, newest first. Plain records, maps and lists, so
 * the common JSON codec serialises it.
 */
public record ScalerMemory(Map<String, Instant> startedAt, Map<String, DrainPurpose> drained,
                           Map<String, Instant> notifiedAt, Map<String, Instant> loggedOffAt, ScalingPhase lastPhase,
                           List<ScalingAction> recentActions) {

    /** How many actions {@link #recentActions()} keeps. */
    public static final int RECENT_ACTIONS = 100;

    public ScalerMemory {
        startedAt = startedAt == null ? Map.of() : Map.copyOf(startedAt);
        drained = drained == null ? Map.of() : Map.copyOf(drained);
        notifiedAt = notifiedAt == null ? Map.of() : Map.copyOf(notifiedAt);
        loggedOffAt = loggedOffAt == null ? Map.of() : Map.copyOf(loggedOffAt);
        recentActions = recentActions == null ? List.of() : List.copyOf(recentActions);
    }

    /** The memory of a scaler that has done nothing yet. */
    public static ScalerMemory empty() {
        return new ScalerMemory(Map.of(), Map.of(), Map.of(), Map.of(), null, List.of());
    }
}
