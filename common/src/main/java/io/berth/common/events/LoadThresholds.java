package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A pool's load thresholds (DESIGN.md 7.4): a host reporting a load at or above one takes no new session.
 * A null threshold is not used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadThresholds(Integer cpuPct, Integer memoryPct) {

    /** Whether a host reporting {@code load} is too loaded for a new session; an unknown load never is. */
    public boolean exceededBy(HostLoad load) {
        if (load == null) {
            return false;
        }
        return (cpuPct != null && load.cpuPct() >= cpuPct) || (memoryPct != null && load.memoryPct() >= memoryPct);
    }
}
