package io.berth.inventory.domain.scaling;

import io.berth.common.events.Health;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.ScalingPlanConfig;
import io.berth.common.events.ScalingPlanConfig.Phase;
import io.berth.common.events.ScalingPlanConfig.RampDown;
import io.berth.common.events.ScalingPlanConfig.RampUp;
import io.berth.common.events.ScalingPlanConfig.Schedule;
import io.berth.common.events.ScalingPlanConfig.StopHostsWhen;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the dry run the issue sets a target for: a week at 5-minute steps for a 1,000-host pool (under 1 s).
 * Not a test — it asserts nothing; run it by hand (inventory-service has no JMH set up):
 * {@code java -cp <test classpath> io.berth.inventory.domain.scaling.SimulationSpeedRun}. Prints the median of
 * ten runs after five warm-up runs.
 */
public final class SimulationSpeedRun {

    private SimulationSpeedRun() {
    }

    public static void main(String[] args) {
        int hostCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int maxSessions = 10;
        ScalingPlanConfig plan = new ScalingPlanConfig(0, "bench", "Europe/Paris", List.of("pool"), "no-autoscale",
                List.of(new Schedule("weekdays", List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                        DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
                        new RampUp("07:00", LoadBalancer.BREADTH_FIRST, 20, 60),
                        new Phase("09:00", LoadBalancer.DEPTH_FIRST),
                        new RampDown("18:00", LoadBalancer.DEPTH_FIRST, 10, 90, true, 30, "Save your work",
                                StopHostsWhen.ZERO_SESSIONS),
                        new Phase("20:00", LoadBalancer.DEPTH_FIRST))));
        List<HostFacts> hosts = new ArrayList<>();
        for (int i = 0; i < hostCount; i++) {
            boolean on = i % 5 == 0;
            hosts.add(new HostFacts(String.format("host-%05d", i), on ? Health.AVAILABLE : Health.SHUTDOWN,
                    Instant.parse("2026-11-29T00:00:00Z"), true, i % 50 == 7 ? List.of("no-autoscale") : List.of(),
                    List.of()));
        }
        Instant from = Instant.parse("2026-11-30T00:00:00Z");
        List<DemandPoint> demand = new ArrayList<>();
        for (int hour = 0; hour < 7 * 24; hour++) {
            int hourOfDay = hour % 24;
            boolean weekday = hour / 24 < 5;
            double load = !weekday ? 0.05 : hourOfDay < 7 ? 0.02 : hourOfDay < 10 ? 0.25 * (hourOfDay - 6)
                    : hourOfDay < 17 ? 0.75 : hourOfDay < 20 ? 0.75 - 0.2 * (hourOfDay - 16) : 0.05;
            demand.add(new DemandPoint(from.plus(Duration.ofHours(hour)), (int) (load * hostCount * maxSessions)));
        }
        SimulationRequest request = new SimulationRequest("pool", from, from.plus(Duration.ofDays(7)).minusSeconds(300),
                5, demand);
        for (int i = 0; i < 5; i++) {
            ScalingSimulation.run(plan, maxSessions, hosts, request);
        }
        // CPU time of this thread as well as wall time: on a shared machine the wall clock includes waiting for a core
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] wallMillis = new long[10];
        long[] cpuMillis = new long[10];
        List<SimulatedStep> steps = List.of();
        for (int i = 0; i < wallMillis.length; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            steps = ScalingSimulation.run(plan, maxSessions, hosts, request);
            wallMillis[i] = (System.nanoTime() - start) / 1_000_000;
            cpuMillis[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        }
        Arrays.sort(wallMillis);
        Arrays.sort(cpuMillis);
        long actions = steps.stream().mapToLong(s -> s.actions().size()).sum();
        System.out.printf("%d hosts, %d steps, %d actions: CPU median %d ms (min %d, max %d); wall median %d ms "
                        + "(min %d, max %d)%n", hostCount, steps.size(), actions, cpuMillis[cpuMillis.length / 2],
                cpuMillis[0], cpuMillis[cpuMillis.length - 1], wallMillis[wallMillis.length / 2], wallMillis[0],
                wallMillis[wallMillis.length - 1]);
    }
}
