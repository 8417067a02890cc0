package io.berth.broker.domain;

import java.util.function.Supplier;

/**
 * What a connect has to do, as decided from local state by {@link HostPlacement}. Only {@link Allocate} and
 * {@link StartHost} need the cluster (an atomic reservation, a Kafka record); the rest is the answer.
 */
public sealed interface Decision {

    /** Nothing to allocate: this is the answer. */
    record Answer(ConnectOutcome outcome) implements Decision {
    }

    /**
     * Allocate a new session: claim the user's seat (expected at {@code seatRevision}), then reserve a slot on
     * the first candidate that accepts; {@code personal} reservations also claim the host for the user. When
     * every candidate refuses, the answer is {@link #whenExhausted()}, decided then: by that time other connects
     * may have taken the hosts' last slots or logon places, which changes why nothing is left.
     */
    record Allocate(PoolPolicy pool, String appGroupId, String userId, long seatRevision, boolean personal,
                    Candidates candidates, Supplier<ConnectOutcome.NoCapacity> exhaustion) implements Decision {

        public ConnectOutcome.NoCapacity whenExhausted() {
            return exhaustion.get();
        }
    }

    /** The user's personal host is shut down and the pool starts VMs on connect: send START, answer 202. */
    record StartHost(PoolPolicy pool, String hostId, int retryAfterSeconds) implements Decision {
    }

    /** Another connect of the same user is allocating in this pool right now: wait for it, then decide again. */
    record AwaitOtherConnect(String poolId, String userId) implements Decision {
    }
}
