package io.berth.deploy.loadgen;

import io.berth.common.events.HostLoad;
import picocli.CommandLine.Option;

/**
 * The load generator's options for what its pools guard against and its hosts report (DESIGN.md 7.4): the
 * logon cap, a CPU threshold and hosts under load, and where the hosts' power controller reads {@code START}
 * and {@code STOP}. A picocli mixin of {@link LoadGenOptions}, which checks the bounds.
 */
public final class SimulatedHostOptions {

    /** A bounds check that names the flag (the command line's own). */
    @FunctionalInterface
    interface Bounds {
        int within(String flag, int value, int min, int max);
    }

    /** What a host that is not under load reports. */
    static final HostLoad IDLE_LOAD = new HostLoad(20, 40);
    private static final double LOADED_MEMORY_PCT = 60;

    @Option(names = "--max-concurrent-logons", paramLabel = "L", defaultValue = "0", description = {
            "the pools' maxConcurrentLogonsPerHost (default ${DEFAULT-VALUE}: no cap); placements it defers are"
                    + " counted in the summary"})
    private int maxConcurrentLogons;

    @Option(names = "--cpu-threshold-pct", paramLabel = "T", defaultValue = "0", description = {
            "the pools' loadThresholds.cpuPct (default ${DEFAULT-VALUE}: none); connects refused for load are"
                    + " counted in the summary"})
    private int cpuThresholdPct;

    @Option(names = "--loaded-hosts-pct", paramLabel = "P", defaultValue = "0",
            description = "share of each pool's hosts that report a CPU load of --loaded-cpu-pct (default ${DEFAULT-VALUE})")
    private int loadedHostsPct;

    @Option(names = "--loaded-cpu-pct", paramLabel = "C", defaultValue = "95",
            description = "the CPU load those hosts report; the others report 20 (default ${DEFAULT-VALUE})")
    private int loadedCpuPct;

    @Option(names = "--kafka-port", paramLabel = "P", defaultValue = "9092", description = {
            "Berth's Kafka on 127.0.0.1, where the hosts' power controller reads START and STOP (default"
                    + " ${DEFAULT-VALUE}; 0: no power controller)"})
    private int kafkaPort;

    void check(Bounds bounds) {
        bounds.within("--max-concurrent-logons", maxConcurrentLogons, 0, 1000);
        bounds.within("--cpu-threshold-pct", cpuThresholdPct, 0, 100);
        bounds.within("--loaded-hosts-pct", loadedHostsPct, 0, 100);
        bounds.within("--loaded-cpu-pct", loadedCpuPct, 0, 100);
        bounds.within("--kafka-port", kafkaPort, 0, 65535);
    }

    public int maxConcurrentLogons() {
        return maxConcurrentLogons;
    }

    public int cpuThresholdPct() {
        return cpuThresholdPct;
    }

    /**
     * The load the host at {@code index} (0-based) of a pool reports: the first {@link #loadedHosts} ones
     * {@code --loaded-cpu-pct}, the others an idle host's; none at all without {@code --loaded-hosts-pct}, as a
     * section 4 agent (unknown load is never filtered).
     */
    public HostLoad loadOf(int index, int hostsPerPool) {
        if (loadedHostsPct == 0) {
            return null;
        }
        return index < loadedHosts(hostsPerPool) ? new HostLoad(loadedCpuPct, LOADED_MEMORY_PCT) : IDLE_LOAD;
    }

    /** How many of a pool's {@code hostsPerPool} hosts report the load: the first ones, rounded up. */
    public int loadedHosts(int hostsPerPool) {
        return (int) Math.ceil(loadedHostsPct * hostsPerPool / 100.0);
    }

    public int loadedHostsPct() {
        return loadedHostsPct;
    }

    public int loadedCpuPct() {
        return loadedCpuPct;
    }

    public int kafkaPort() {
        return kafkaPort;
    }
}
