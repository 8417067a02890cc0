package io.berth.inventory.domain;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.Health;
import io.berth.common.events.HealthCheck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Derives a host's published {@link Health} from what its agent says and from its silence.
 *
 * <pre>
 *  registration                      -> UNAVAILABLE   (registered, has not reported yet)
 *  heartbeat(SHUTDOWN)               -> SHUTDOWN      (from any state)
 *  heartbeat(UPGRADING)              -> UPGRADING
 *  heartbeat(NEEDS_ASSISTANCE)       -> NEEDS_ASSISTANCE
 *  heartbeat(AVAILABLE, a check !ok) -> NEEDS_ASSISTANCE
 *  heartbeat(AVAILABLE, all ok)      -> AVAILABLE     (also the recovery from NO_HEARTBEAT)
 *  silence >= 3 intervals            -> NO_HEARTBEAT  from UNAVAILABLE, AVAILABLE, NEEDS_ASSISTANCE, UPGRADING
 * </pre>
 *
 * A host whose agent last said {@code SHUTDOWN} stays {@code SHUTDOWN} while silent: a powered-off VM cannot
 * heartbeat, and the broker needs to know it is shut down (not lost) to start it on connect.
 * Staleness is decided by the inventory's timer, never by the agent.
 */
public final class HostHealthMachine {

    /** Heartbeat intervals without a heartbeat after which a host is {@link Health#NO_HEARTBEAT}. */
    public static final int MISSED_HEARTBEATS = 3;

    private HostHealthMachine() {
    }

    /** The health of a host that has registered but not yet heartbeated. */
    public static Health registered() {
        return Health.UNAVAILABLE;
    }

    /** The health an agent's heartbeat reports. */
    public static Health onHeartbeat(AgentStatus status, List<HealthCheck> healthChecks) {
        return switch (status) {
            case SHUTDOWN -> Health.SHUTDOWN;
            case UPGRADING -> Health.UPGRADING;
            case NEEDS_ASSISTANCE -> Health.NEEDS_ASSISTANCE;
            case AVAILABLE -> healthChecks.stream().allMatch(HealthCheck::ok)
                    ? Health.AVAILABLE : Health.NEEDS_ASSISTANCE;
        };
    }

    /**
     * The health of a host at {@code now} whose last sign of life was at {@code lastContact}: unchanged, or
     * {@code NO_HEARTBEAT} once it has been silent for {@value #MISSED_HEARTBEATS} intervals.
     */
    public static Health onClock(Health current, Instant lastContact, Instant now, int heartbeatSeconds) {
        if (!expectsHeartbeats(current)) {
            return current;
        }
        Duration silence = Duration.between(lastContact, now);
        return silence.compareTo(staleAfter(heartbeatSeconds)) >= 0 ? Health.NO_HEARTBEAT : current;
    }

    /** How long a host may stay silent before it is {@code NO_HEARTBEAT}. */
    public static Duration staleAfter(int heartbeatSeconds) {
        return Duration.ofSeconds((long) MISSED_HEARTBEATS * heartbeatSeconds);
    }

    private static boolean expectsHeartbeats(Health health) {
        return health != Health.SHUTDOWN && health != Health.NO_HEARTBEAT;
    }
}
