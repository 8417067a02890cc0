package io.berth.broker.domain;

import io.berth.common.events.Health;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.SessionState;

import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Decides a connect from local state (DESIGN.md section 1): entitlement, then reconnect to a live session,
 * then a new session by the pool's rules. Costs O(log n) at most in the pool's host count; the atomic part
 * (reserving the slot) is left to the caller, which walks {@link Decision.Allocate#candidates()}.
 */
public final class HostPlacement {

    /** How long a claim on a user's seat holds when its broker node died mid-connect. */
    public static final long SEAT_CLAIM_TTL_MILLIS = 30_000;
    public static final int NO_CAPACITY_RETRY_AFTER_SECONDS = 10;
    public static final int LOGON_CAP_RETRY_AFTER_SECONDS = 5;
    public static final int START_RETRY_AFTER_SECONDS = 30;
    /** Reservation attempts per connect before it answers no capacity (bounds the latency under contention). */
    public static final int MAX_RESERVATION_ATTEMPTS = 32;

    private final PlacementView view;
    private final LongSupplier clock;
    private final Supplier<RandomGenerator> random;
    private final AssignmentRate assignments;

    public HostPlacement(PlacementView view, LongSupplier clock, Supplier<RandomGenerator> random) {
        this(view, clock, random, AssignmentRate.UNBOUNDED);
    }

    public HostPlacement(PlacementView view, LongSupplier clock, Supplier<RandomGenerator> random,
                         AssignmentRate assignments) {
        this.view = view;
        this.clock = clock;
        this.random = random;
        this.assignments = assignments;
    }

    public Decision decide(ConnectRequest request) {
        Optional<AppGroupAccess> found = view.appGroup(request.appGroupId());
        if (found.isEmpty()) {
            return answer(new ConnectOutcome.AppGroupNotFound(request.appGroupId()));
        }
        AppGroupAccess appGroup = found.get();
        if (!appGroup.admits(request.userId(), request.groups())) {
            return answer(new ConnectOutcome.Forbidden("user " + request.userId()
                    + " is not assigned to application group " + appGroup.appGroupId()));
        }
        String poolId = appGroup.poolId();
        Optional<PoolIndex> index = view.pool(poolId);
        Optional<PoolPolicy> policy = index.flatMap(PoolIndex::policy);
        if (policy.isEmpty()) {
            return answer(new ConnectOutcome.NoCapacity("host pool " + poolId + " of application group "
                    + appGroup.appGroupId() + " is not configured", NO_CAPACITY_RETRY_AFTER_SECONDS));
        }
        PoolPolicy pool = policy.get();
        PoolIndex hosts = index.get();
        long now = clock.getAsLong();

        UserSeat seat = view.seat(poolId, request.userId()).orElse(UserSeat.empty(poolId, request.userId()));
        Optional<ConnectOutcome.Reconnected> reconnect = reconnect(seat, hosts);
        if (reconnect.isPresent()) {
            return answer(reconnect.get());
        }
        if (seat.hasLiveClaim(now, SEAT_CLAIM_TTL_MILLIS)) {
            return new Decision.AwaitOtherConnect(poolId, request.userId());
        }
        if (pool.isPersonal()) {
            return decidePersonal(request, appGroup, pool, hosts, seat, now);
        }
        return new Decision.Allocate(pool, appGroup.appGroupId(), request.userId(), seat.revision(), false,
                hosts.candidates(random.get(), MAX_RESERVATION_ATTEMPTS), () -> exhausted(hosts, pool,
                        "no host in pool " + poolId + " has a free slot for a new session"));
    }

    /**
     * The user's live session on a host that still allows reconnects, even draining or full. Sessions the
     * user is in (ACTIVE, DISCONNECTED) win over one not logged on yet (PENDING).
     */
    private Optional<ConnectOutcome.Reconnected> reconnect(UserSeat seat, PoolIndex hosts) {
        SeatSession best = null;
        for (SeatSession session : seat.sessions()) {
            if (!session.state().isLive()) {
                continue;
            }
            Optional<HostEntry> host = hosts.host(session.hostId());
            if (host.isEmpty() || !Eligibility.allowsReconnect(host.get())) {
                continue;
            }
            if (best == null || (best.state() == SessionState.PENDING && session.state() != SessionState.PENDING)) {
                best = session;
            }
        }
        return best == null ? Optional.empty()
                : Optional.of(new ConnectOutcome.Reconnected(best.sessionId(), best.hostId(), seat.poolId()));
    }

    private Decision decidePersonal(ConnectRequest request, AppGroupAccess appGroup, PoolPolicy pool,
                                    PoolIndex hosts, UserSeat seat, long now) {
        Optional<HostEntry> owned = hosts.hostOf(request.userId());
        if (owned.isPresent()) {
            HostEntry host = owned.get();
            long freshnessNow = hosts.freshnessNow(now);
            Optional<String> whyNot = Eligibility.whyNot(host, pool, freshnessNow);
            if (whyNot.isEmpty()) {
                ConnectOutcome.NoCapacity refused = new ConnectOutcome.NoCapacity("personal host " + host.hostId()
                        + " cannot take a new session now", NO_CAPACITY_RETRY_AFTER_SECONDS);
                return new Decision.Allocate(pool, appGroup.appGroupId(), request.userId(), seat.revision(), true,
                        Candidates.single(host), () -> refused);
            }
            if (host.health() == Health.SHUTDOWN) {
                if (pool.startVmOnConnect()) {
                    return new Decision.StartHost(pool, host.hostId(), START_RETRY_AFTER_SECONDS);
                }
                return answer(new ConnectOutcome.NoCapacity("personal host " + host.hostId()
                        + " is shut down and pool " + pool.poolId() + " does not start VMs on connect",
                        NO_CAPACITY_RETRY_AFTER_SECONDS));
            }
            Refusal refusal = Eligibility.isHeartbeatFresh(host, pool, freshnessNow)
                    ? Eligibility.exclusionIgnoringTime(host, pool) : Refusal.NO_FRESH_HEARTBEAT;
            return answer(new ConnectOutcome.NoCapacity(whyNot.get(), retryAfter(refusal), refusal));
        }
        if (pool.personalAssignment() == PersonalAssignment.DIRECT) {
            return answer(new ConnectOutcome.Forbidden("no host in personal pool " + pool.poolId()
                    + " is assigned to user " + request.userId()));
        }
        int retryAfter = assignments.take(pool.poolId(), now);
        if (retryAfter > 0) {
            return answer(new ConnectOutcome.NoCapacity("personal pool " + pool.poolId() + " assigns no more new"
                    + " hosts this minute (BERTH_PERSONAL_ASSIGNMENTS_PER_MINUTE)", retryAfter,
                    Refusal.ASSIGNMENT_RATE));
        }
        return new Decision.Allocate(pool, appGroup.appGroupId(), request.userId(), seat.revision(), true,
                hosts.candidates(random.get(), MAX_RESERVATION_ATTEMPTS), () -> exhausted(hosts, pool,
                        "no unassigned host in personal pool " + pool.poolId() + " is available"));
    }

    /**
     * The answer when no candidate takes the session, as the index is when the last one refused: a silent fleet,
     * hosts at their logon cap or over their load are told apart from a full pool.
     */
    private ConnectOutcome.NoCapacity exhausted(PoolIndex hosts, PoolPolicy pool, String full) {
        Refusal why = hosts.whyNoCandidate(clock.getAsLong());
        String detail = switch (why) {
            case NO_FRESH_HEARTBEAT -> "no host in pool " + hosts.poolId() + " has sent a fresh heartbeat"
                    + " (the inventory or the hosts are silent)";
            case LOGON_CAP -> "the hosts of pool " + hosts.poolId() + " that could take a new session are at their"
                    + " concurrent-logon limit of " + pool.maxConcurrentLogonsPerHost()
                    + " (maxConcurrentLogonsPerHost); retry once logons complete";
            case LOAD -> "the hosts of pool " + hosts.poolId() + " with a free slot reported a load at or above the"
                    + " pool's load thresholds (" + Eligibility.describe(pool.loadThresholds()) + ")";
            default -> full;
        };
        return new ConnectOutcome.NoCapacity(detail, retryAfter(why), why);
    }

    /** A logon completes within seconds: a connect deferred by the logon cap is worth retrying sooner. */
    private static int retryAfter(Refusal refusal) {
        return refusal == Refusal.LOGON_CAP ? LOGON_CAP_RETRY_AFTER_SECONDS : NO_CAPACITY_RETRY_AFTER_SECONDS;
    }

    private static Decision answer(ConnectOutcome outcome) {
        return new Decision.Answer(outcome);
    }
}
