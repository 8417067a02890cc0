package io.berth.common.events;

/** How a pooled pool spreads new sessions over its eligible hosts. */
public enum LoadBalancer { BREADTH_FIRST, DEPTH_FIRST }
