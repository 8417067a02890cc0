package io.berth.inventory.domain.scaling;

import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPlanConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dry run of {@code POST /scalingplans/{planId}/simulate} (DESIGN.md 7.3): steps through time from the pool's
 * hosts as they are now, places the wanted demand, and at every step asks {@link ScalingPolicy#decide} — the live
 * scaler's own decision — then carries its actions out on the simulated pool (a started host is {@code AVAILABLE}
 * at the next step, a stopped one {@code SHUTDOWN}). Nothing is sent anywhere. The scaler's memory starts empty.
 * <p>
 * The demand is the number of live sessions wanted in the whole pool, held from its point until the next one
 * (before the first point: the sessions the pool has now). New sessions are {@code ACTIVE} and placed one by one
 * by the phase's load balancer (breadth-first: the host with fewest sessions, depth-first: the one with most below
 * the limit; ties by host id, where the broker picks at random); what finds no slot is the step's
 * {@code rejectedSessions} and is wanted again at the next step. When demand falls, the newest sessions end first.
 * A session that gets a {@code LOGOFF} ends; if the demand still wants it, it is placed again at the next step, as
 * a user who connects again. A step reports the pool's capacity as {@link ScalingPolicy#decide} leaves it (live
 * sessions and used capacity over managed hosts, as the status does).
 */
public final class ScalingSimulation {

    public static final int MAX_STEPS = 10_080;
    public static final int MAX_DEMAND_POINTS = 10_080;
    public static final int MAX_DEMAND_SESSIONS = 1_000_000;

    private ScalingSimulation() {
    }

    /** What is wrong with the request, as a 400 problem's detail; empty when it can run. */
    public static Optional<String> checkRequest(SimulationRequest request) {
        if (request.poolId() == null || request.poolId().isBlank()) {
            return Optional.of("poolId is required");
        }
        if (request.from() == null || request.to() == null) {
            return Optional.of("from and to are required instants");
        }
        if (request.stepMinutes() < 1 || request.stepMinutes() > 60) {
            return Optional.of("stepMinutes must be 1..60, not " + request.stepMinutes());
        }
        if (request.from().isAfter(request.to())) {
            return Optional.of("from must not be after to");
        }
        long steps = Duration.between(request.from(), request.to()).toMinutes() / request.stepMinutes() + 1;
        if (steps > MAX_STEPS) {
            return Optional.of("from..to every " + request.stepMinutes() + " minutes makes " + steps
                    + " steps; at most " + MAX_STEPS);
        }
        if (request.demand().size() > MAX_DEMAND_POINTS) {
            return Optional.of("demand holds " + request.demand().size() + " points; at most " + MAX_DEMAND_POINTS);
        }
        Set<Instant> seen = new HashSet<>();
        for (DemandPoint point : request.demand()) {
            if (point == null || point.at() == null) {
                return Optional.of("every demand point needs an instant 'at'");
            }
            if (point.sessions() < 0 || point.sessions() > MAX_DEMAND_SESSIONS) {
                return Optional.of("demand sessions must be 0.." + MAX_DEMAND_SESSIONS + ", not " + point.sessions());
            }
            if (!seen.add(point.at())) {
                return Optional.of("two demand points are at " + point.at());
            }
        }
        return Optional.empty();
    }

    /** Runs a request that passed {@link #checkRequest}; one step per instant from {@code from} to {@code to}. */
    public static List<SimulatedStep> run(ScalingPlanConfig plan, int maxSessionsPerHost, List<HostFacts> hostsNow,
                                          SimulationRequest request) {
        SimulatedFleet fleet = new SimulatedFleet(hostsNow, Math.max(1, maxSessionsPerHost));
        List<DemandPoint> demand = new ArrayList<>(request.demand());
        demand.sort(Comparator.comparing(DemandPoint::at));
        int nextPoint = 0;
        int wanted = fleet.liveSessions();
        ScalerMemory memory = ScalerMemory.empty();
        List<SimulatedStep> steps = new ArrayList<>();
        Duration step = Duration.ofMinutes(request.stepMinutes());
        for (Instant at = request.from(); !at.isAfter(request.to()); at = at.plus(step)) {
            while (nextPoint < demand.size() && !demand.get(nextPoint).at().isAfter(at)) {
                wanted = demand.get(nextPoint++).sessions();
            }
            LoadBalancer placing = ScalingSchedule.at(plan, at).map(ScalingSchedule.PhaseInForce::loadBalancer)
                    .orElse(LoadBalancer.BREADTH_FIRST);
            int rejected = fleet.placeDemand(wanted, placing);
            ScalingDecision decision = ScalingPolicy.decide(new ScalingInput(plan, request.poolId(),
                    maxSessionsPerHost, fleet.facts(), memory, at));
            decision.actions().forEach(fleet::apply);
            memory = decision.memory();
            Capacity capacity = decision.capacity();
            steps.add(new SimulatedStep(at, decision.phase(), decision.loadBalancer(), capacity.onHosts(),
                    capacity.availableHosts(), capacity.liveSessions(), rejected, capacity.usedPct(),
                    decision.actions()));
        }
        return steps;
    }
}
