package io.berth.inventory.domain.scaling;

/**
 * The phase's capacity targets for a pool: at least {@code minimumHosts} hosts taking sessions, and live sessions
 * at most {@code thresholdPct} of their slots. Comparisons are exact (integers); percentages are rounded only for
 * reporting.
 */
record CapacityRule(int maxSessionsPerHost, int minimumHosts, int thresholdPct) {

    /** ceil({@code minimumHostsPct} × {@code managedHosts} ÷ 100). */
    static int minimumHosts(int minimumHostsPct, int managedHosts) {
        return (minimumHostsPct * managedHosts + 99) / 100;
    }

    /** Whether {@code hosts} hosts are too few for the minimum or for {@code sessions} under the threshold. */
    boolean needsMore(int sessions, int hosts) {
        return hosts < minimumHosts || exceeds(sessions, hosts);
    }

    /** Whether {@code hosts} hosts still meet the minimum and hold {@code sessions} within the threshold. */
    boolean allows(int sessions, int hosts) {
        return !needsMore(sessions, hosts);
    }

    /** With no host, any live session is over any threshold (the reported used capacity then says 100). */
    boolean exceeds(int sessions, int hosts) {
        if (hosts <= 0) {
            return sessions > 0;
        }
        return sessions * 100L > (long) thresholdPct * maxSessionsPerHost * hosts;
    }

    /** Used capacity in percent, rounded: 100 with no host and a live session, 0 with none. */
    int usedPct(int sessions, int hosts) {
        if (hosts <= 0) {
            return sessions > 0 ? 100 : 0;
        }
        return (int) Math.round(sessions * 100.0 / ((double) maxSessionsPerHost * hosts));
    }

    /** Why {@code hosts} hosts need more, in words. */
    String shortfall(int sessions, int hosts) {
        if (hosts < minimumHosts) {
            return hosts + " available or starting hosts, below the minimum of " + minimumHosts;
        }
        return "used capacity " + usedPct(sessions, hosts) + "% on " + hosts
                + " available or starting hosts, over the threshold of " + thresholdPct + "%";
    }

    /** Why {@code hosts} hosts are enough, in words. */
    String sufficiency(int sessions, int hosts) {
        return hosts + " hosts stay (minimum " + minimumHosts + ") at " + usedPct(sessions, hosts)
                + "% used capacity (threshold " + thresholdPct + "%)";
    }
}
