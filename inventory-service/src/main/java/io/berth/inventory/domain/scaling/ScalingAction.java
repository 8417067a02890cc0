package io.berth.inventory.domain.scaling;

import java.time.Instant;

/**
 * One thing the scaler decided to do, with {@code reason} a short human text saying why. {@code sessionId} is set
 * for {@code MESSAGE} and {@code LOGOFF}, {@code message} for {@code MESSAGE}.
 */
public record ScalingAction(Instant at, String hostId, ScalingActionKind action, String sessionId, String message,
                            String reason) {

    static ScalingAction onHost(Instant at, String hostId, ScalingActionKind action, String reason) {
        return new ScalingAction(at, hostId, action, null, null, reason);
    }
}
