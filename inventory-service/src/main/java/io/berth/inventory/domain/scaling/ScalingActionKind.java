package io.berth.inventory.domain.scaling;

/**
 * What the scaler does to a host: power commands and agent commands go on {@code berth.host-commands}, drain
 * changes on {@code berth.host-health} (DESIGN.md 7.3).
 */
public enum ScalingActionKind { START, STOP, DRAIN, UNDRAIN, MESSAGE, LOGOFF }
