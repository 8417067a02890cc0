package io.berth.inventory.domain.scaling;

/**
 * Why the scaler drained a host. {@code STOP}: the host is being stopped (its {@code STOP} went out);
 * {@code FORCED_LOGOFF}: the host is being emptied by {@code LOGOFF}s (a forced logoff, or the disconnected
 * sessions of a {@code ZERO_ACTIVE_SESSIONS} stop) and is stopped once it holds no live session.
 */
public enum DrainPurpose { STOP, FORCED_LOGOFF }
