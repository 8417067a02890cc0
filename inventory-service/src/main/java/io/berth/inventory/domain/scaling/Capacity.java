package io.berth.inventory.domain.scaling;

/**
 * A pool's capacity as a decision leaves it, in the shape of {@code GET /hostpools/{id}/scaling}'s
 * {@code capacity}. {@code usedPct} is rounded for reporting; decisions compare exactly.
 */
public record Capacity(int managedHosts, int excludedHosts, int onHosts, int availableHosts, int startingHosts,
                       int liveSessions, int usedPct, int thresholdPct, int minimumHosts) {
}
