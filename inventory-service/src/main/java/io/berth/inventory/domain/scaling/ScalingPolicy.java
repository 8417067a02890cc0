package io.berth.inventory.domain.scaling;

import io.berth.common.events.ScalingPhase;
import io.berth.inventory.domain.scaling.ScalingSchedule.PhaseInForce;

import java.util.Optional;

/**
 * The scaling plan's decision for one pool (DESIGN.md 7.3), a pure function of the plan, the pool's hosts, what
 * the scaler did before and the time: the live scaler and the dry run both call it. One evaluation, in order:
 * <ol>
 *   <li>undo the scaler's own drains the decision no longer needs (the host stopped or left management, the phase
 *       is ramp-up or peak, or demand rose again); an admin's drain is never touched;</li>
 *   <li>start shut-down managed hosts, in host-id order, until available + starting hosts reach the minimum and
 *       keep used capacity at or under the threshold;</li>
 *   <li>in ramp-down and off-peak: carry on the scaler's drains (log off what must be logged off, stop hosts that
 *       emptied), then drain one empty host to stop it if capacity allows one fewer, else, in ramp-down with
 *       {@code forceLogoffUsers}, drain the least-loaded host and warn its users before logging them off.</li>
 * </ol>
 * A host with a live session is never stopped; excluded hosts are never acted on. Host-id order everywhere makes
 * the decision deterministic; the work is one sort of the hosts plus linear passes.
 */
public final class ScalingPolicy {

    private ScalingPolicy() {
    }

    public static ScalingDecision decide(ScalingInput input) {
        Optional<PhaseInForce> phase = ScalingSchedule.at(input.plan(), input.now());
        ScalingEvaluation evaluation = new ScalingEvaluation(input, phase.orElse(null));
        evaluation.undoDrainsNoLongerNeeded();
        boolean started = evaluation.startHostsAsNeeded();
        if (!started && phase.isPresent() && phase.get().stopsHosts()) {
            boolean stopped = evaluation.carryOnDrains();
            if (!stopped && !evaluation.drainOneHostToStop() && phase.get().forcesLogoff()) {
                evaluation.drainOneHostForForcedLogoff();
            }
        }
        return evaluation.decision(phase.map(p -> p.schedule().name()).orElse(null),
                phase.map(PhaseInForce::phase).orElse(null), phase.map(PhaseInForce::loadBalancer).orElse(null));
    }

    static boolean isRampingUp(ScalingPhase phase) {
        return phase == ScalingPhase.RAMP_UP || phase == ScalingPhase.PEAK;
    }
}
