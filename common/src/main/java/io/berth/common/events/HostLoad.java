package io.berth.common.events;

/** A host's load as its last heartbeat reported it (DESIGN.md 7.4), each 0..100 percent. */
public record HostLoad(double cpuPct, double memoryPct) {
}
