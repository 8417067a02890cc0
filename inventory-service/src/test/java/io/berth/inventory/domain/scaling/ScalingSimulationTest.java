package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPhase;
import io.berth.common.events.ScalingPlanConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.berth.inventory.domain.scaling.ScalingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The dry run: its request rules, its steps, the simulated pool and the shared decision. */
class ScalingSimulationTest {

    private static SimulationRequest request(Instant from, Instant to, int stepMinutes, DemandPoint... demand) {
        return new SimulationRequest(POOL, from, to, stepMinutes, List.of(demand));
    }

    private static List<SimulatedStep> run(ScalingPlanConfig plan, List<HostFacts> hosts, SimulationRequest request) {
        assertThat(ScalingSimulation.checkRequest(request)).isEmpty();
        return ScalingSimulation.run(plan, MAX_SESSIONS, hosts, request);
    }

    private static List<ScalingActionKind> kinds(SimulatedStep step) {
        return step.actions().stream().map(ScalingAction::action).toList();
    }

    @Test
    void aRequestIsCheckedForStepsInstantsAndDemand() {
        Instant from = MONDAY;
        Instant week = MONDAY.plus(Duration.ofDays(7));

        assertThat(ScalingSimulation.checkRequest(request(from, from.plusSeconds(3600), 0))).hasValueSatisfying(
                d -> assertThat(d).contains("stepMinutes"));
        assertThat(ScalingSimulation.checkRequest(request(from, from.plusSeconds(3600), 61))).isPresent();
        assertThat(ScalingSimulation.checkRequest(request(from.plusSeconds(60), from, 5))).hasValueSatisfying(
                d -> assertThat(d).contains("from must not be after to"));
        assertThat(ScalingSimulation.checkRequest(request(from, week, 1))).hasValueSatisfying(
                d -> assertThat(d).contains("10081 steps"));
        assertThat(ScalingSimulation.checkRequest(request(from, week.minusSeconds(60), 1))).isEmpty();
        assertThat(ScalingSimulation.checkRequest(request(from, week, 5, new DemandPoint(from, -1)))).isPresent();
        assertThat(ScalingSimulation.checkRequest(request(from, week, 5, new DemandPoint(from, 1_000_001))))
                .isPresent();
        assertThat(ScalingSimulation.checkRequest(request(from, week, 5, new DemandPoint(from, 3),
                new DemandPoint(from, 4)))).hasValueSatisfying(d -> assertThat(d).contains("two demand points"));
        assertThat(ScalingSimulation.checkRequest(request(from, week, 5, new DemandPoint(null, 3)))).isPresent();
        assertThat(ScalingSimulation.checkRequest(new SimulationRequest(POOL, null, week, 5, List.of()))).isPresent();
        assertThat(ScalingSimulation.checkRequest(request(from, week, 5, new DemandPoint(from, 3)))).isEmpty();
    }

    @Test
    void stepsRunFromFromToToInclusiveEveryStep() {
        List<SimulatedStep> steps = run(examplePlan(), List.of(available("h1")),
                request(at("10:00"), at("11:10"), 15));

        assertThat(steps).extracting(SimulatedStep::at).containsExactly(at("10:00"), at("10:15"), at("10:30"),
                at("10:45"), at("11:00"));
    }

    @Test
    void eachStepReportsThePhaseAndLoadBalancerInForce() {
        List<SimulatedStep> steps = run(examplePlan(), List.of(available("h1")), request(at("06:00"), at("21:00"), 60));

        assertThat(steps.get(0).phase()).isEqualTo(ScalingPhase.OFF_PEAK);
        assertThat(steps.get(1).phase()).isEqualTo(ScalingPhase.RAMP_UP);
        assertThat(steps.get(1).loadBalancer()).isEqualTo(LoadBalancer.BREADTH_FIRST);
        assertThat(steps.get(3).phase()).isEqualTo(ScalingPhase.PEAK);
        assertThat(steps.get(3).loadBalancer()).isEqualTo(LoadBalancer.DEPTH_FIRST);
        assertThat(steps.get(12).phase()).isEqualTo(ScalingPhase.RAMP_DOWN);
        assertThat(steps.get(14).phase()).isEqualTo(ScalingPhase.OFF_PEAK);
    }

    @Test
    void demandIsHeldUntilTheNextPointAndWhatFindsNoSlotIsRejected() {
        ScalingPlanConfig plan = plan(rampUp(0, 100), rampDown(0, 100));

        List<SimulatedStep> steps = run(plan, List.of(available("h1"), available("h2")), request(at("10:00"),
                at("10:20"), 5, new DemandPoint(at("10:00"), 25), new DemandPoint(at("10:12"), 4)));

        assertThat(steps).extracting(SimulatedStep::liveSessions).containsExactly(20, 20, 20, 4, 4);
        assertThat(steps).extracting(SimulatedStep::rejectedSessions).containsExactly(5, 5, 5, 0, 0);
    }

    @Test
    void beforeTheFirstDemandPointTheCurrentSessionsAreKept() {
        ScalingPlanConfig plan = plan(rampUp(0, 100), rampDown(0, 100));

        List<SimulatedStep> steps = run(plan, List.of(withActive("h1", 3)), request(at("10:00"), at("10:10"), 5,
                new DemandPoint(at("10:10"), 7)));

        assertThat(steps).extracting(SimulatedStep::liveSessions).containsExactly(3, 3, 7);
    }

    @Test
    void aHostStartedInOneStepIsAvailableAtTheNext() {
        List<HostFacts> hosts = List.of(available("h1"), shutdown("h2"), shutdown("h3"), shutdown("h4"));

        List<SimulatedStep> steps = run(examplePlan(), hosts, request(at("10:00"), at("10:05"), 5,
                new DemandPoint(at("10:00"), 15)));

        // 10 of 15 fit on h1; 100 % used starts one host, which takes the other 5 at the next step
        assertThat(steps.get(0).rejectedSessions()).isEqualTo(5);
        assertThat(steps.get(0).actions()).extracting(ScalingAction::action, ScalingAction::hostId)
                .containsExactly(tuple(ScalingActionKind.START, "h2"));
        assertThat(steps.get(1).availableHosts()).isGreaterThanOrEqualTo(2);
        assertThat(steps.get(1).rejectedSessions()).isZero();
        assertThat(steps.get(1).liveSessions()).isEqualTo(15);
    }

    @Test
    void theFirstStepTakesTheLiveScalersDecisionOnTheSameHosts() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 30));
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            hosts.add(i % 4 == 0 ? shutdown("h" + i) : withActive("h" + i, i % 3));
        }
        for (Instant now : List.of(RAMP_UP_TIME, PEAK_TIME, RAMP_DOWN_TIME, OFF_PEAK_TIME)) {
            ScalingDecision live = decide(plan, hosts, now);

            SimulatedStep first = run(plan, hosts, request(now, now, 5)).get(0);

            assertThat(first.actions()).isEqualTo(live.actions());
            assertThat(first.phase()).isEqualTo(live.phase());
            assertThat(first.usedPct()).isEqualTo(live.capacity().usedPct());
        }
    }

    @Test
    void inRampDownEmptyHostsAreStoppedOnePerStepDownToTheMinimum() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), rampDown(50, 90));
        List<HostFacts> hosts = List.of(available("h1"), available("h2"), available("h3"), available("h4"));

        List<SimulatedStep> steps = run(plan, hosts, request(at("18:00"), at("18:30"), 5));

        assertThat(kinds(steps.get(0))).containsExactly(ScalingActionKind.DRAIN, ScalingActionKind.STOP);
        assertThat(kinds(steps.get(1))).contains(ScalingActionKind.DRAIN, ScalingActionKind.STOP);
        assertThat(steps.get(6).onHosts()).isEqualTo(2);
        assertThat(steps.get(6).availableHosts()).isEqualTo(2);
        assertThat(steps.subList(3, 7)).allSatisfy(step -> assertThat(step.actions()).isEmpty());
    }

    @Test
    void aForcedLogoffEndsTheWarnedSessionsAfterTheWaitAndStopsTheHost() {
        ScalingPlanConfig plan = plan(rampUp(20, 60), forcedLogoff(0, 90, 10));
        List<HostFacts> hosts = List.of(withActive("h1", 4), withActive("h2", 1));

        List<SimulatedStep> steps = run(plan, hosts, request(at("18:00"), at("18:15"), 5));

        assertThat(kinds(steps.get(0))).containsExactly(ScalingActionKind.DRAIN, ScalingActionKind.MESSAGE);
        assertThat(steps.get(1).actions()).isEmpty();
        assertThat(kinds(steps.get(2))).containsExactly(ScalingActionKind.LOGOFF);
        // the logged-off user connects again and lands on h1; the emptied h2 is stopped
        assertThat(kinds(steps.get(3))).containsExactly(ScalingActionKind.STOP);
        assertThat(steps.get(3).liveSessions()).isEqualTo(5);
    }

    @Test
    void theDryRunChangesNothingItWasGiven() {
        List<HostFacts> hosts = List.of(available("h1"), shutdown("h2"));
        List<HostFacts> copy = List.copyOf(hosts);

        run(examplePlan(), hosts, request(at("10:00"), at("12:00"), 5, new DemandPoint(at("10:00"), 30)));

        assertThat(hosts).isEqualTo(copy);
        assertThat(hosts.get(1).health()).isEqualTo(Health.SHUTDOWN);
    }

    @Test
    void aSimulatedWorkdayRampsUpWithoutRejectionsAtPeakAndStopsHostsAfterHours() {
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hosts.add(i < 10 ? available(String.format("h%03d", i)) : shutdown(String.format("h%03d", i)));
        }
        List<DemandPoint> demand = List.of(new DemandPoint(at("00:00"), 10), new DemandPoint(at("07:00"), 150),
                new DemandPoint(at("08:00"), 400), new DemandPoint(at("09:00"), 600),
                new DemandPoint(at("18:00"), 200), new DemandPoint(at("19:00"), 40));

        List<SimulatedStep> steps = run(examplePlan(), hosts, new SimulationRequest(POOL, at("00:00"),
                at("23:55"), 5, demand));

        assertThat(steps).hasSize(288);
        assertThat(steps).filteredOn(step -> step.phase() == ScalingPhase.RAMP_UP || step.phase() == ScalingPhase.PEAK)
                .allSatisfy(step -> assertThat(kinds(step)).doesNotContain(ScalingActionKind.DRAIN,
                        ScalingActionKind.STOP, ScalingActionKind.LOGOFF));
        assertThat(steps).filteredOn(step -> !step.at().isBefore(at("09:30")) && step.at().isBefore(at("18:00")))
                .allSatisfy(step -> {
                    assertThat(step.rejectedSessions()).isZero();
                    assertThat(step.usedPct()).isLessThanOrEqualTo(60);
                });
        SimulatedStep last = steps.get(steps.size() - 1);
        assertThat(last.onHosts()).isLessThan(steps.get(12 * 17).onHosts());
        assertThat(last.availableHosts()).isGreaterThanOrEqualTo(10);
    }
}
