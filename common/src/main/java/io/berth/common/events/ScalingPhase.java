package io.berth.common.events;

/** The phases of a scaling plan's day schedule (DESIGN.md 7.3), in the order they start. */
public enum ScalingPhase { RAMP_UP, PEAK, RAMP_DOWN, OFF_PEAK }
