package io.berth.faults.traffic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerLogTest {

    private final AnswerLog log = new AnswerLog();

    @Test
    void answersFallInTheirPhaseByDueTime() {
        log.faultStarted(1_000);
        log.faultEnded(2_000);

        assertThat(log.phaseOf(ok("n1", 999, 5))).isEqualTo(Phase.BEFORE);
        assertThat(log.phaseOf(ok("n1", 1_000, 5))).isEqualTo(Phase.DURING);
        assertThat(log.phaseOf(ok("n1", 2_000, 5))).isEqualTo(Phase.AFTER);
    }

    @Test
    void figuresArePerNodeAndPhase() {
        log.faultStarted(1_000);
        log.faultEnded(2_000);
        log.add(ok("n1", 0, 10));
        log.add(ok("n1", 1_500, 300));
        log.add(status("n1", 1_600, 503));
        log.add(status("n2", 1_500, Answer.NO_ANSWER));

        assertThat(log.figures()).extracting(AnswerLog.Figures::node, AnswerLog.Figures::phase, AnswerLog.Figures::requests,
                        AnswerLog.Figures::placed, AnswerLog.Figures::status503, AnswerLog.Figures::failed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("n1", Phase.BEFORE, 1, 1, 0, 0),
                        org.assertj.core.groups.Tuple.tuple("n1", Phase.DURING, 2, 1, 1, 0),
                        org.assertj.core.groups.Tuple.tuple("n2", Phase.DURING, 1, 0, 0, 1));
        assertThat(log.p99Millis(a -> a.node().equals("n1"))).isBetween(300L, 301L);
    }

    @Test
    void theLongestFailureRunEndsAtTheNextSuccess() {
        log.add(ok("n1", 0, 1));
        log.add(status("n1", 1_000, 503));
        log.add(status("n1", 2_000, Answer.NO_ANSWER));
        log.add(ok("n1", 4_500, 1));
        log.add(status("n1", 5_000, 500));
        log.add(status("n1", 6_000, 500));

        assertThat(log.longestFailureMillis(a -> true)).isEqualTo(3_500);
    }

    @Test
    void recoveryIsTheLastFailedOrSlowRequestAfterTheFault() {
        log.add(ok("n1", 500, 5_000));
        log.add(status("n1", 1_200, 503));
        log.add(ok("n1", 3_000, 1_500));
        log.add(ok("n1", 4_000, 10));

        assertThat(log.recoveryMillis(a -> true, 1_000, 1_000)).isEqualTo(2_000);
        assertThat(log.recoveryMillis(a -> true, 5_000, 1_000)).isZero();
    }

    @Test
    void acknowledgedAreTheTwoHundreds() {
        log.add(ok("n1", 0, 1));
        log.add(status("n1", 1, 503));

        assertThat(log.acknowledged()).containsOnlyKeys("s-n1-0");
    }

    private static Answer ok(String node, long due, long latency) {
        return new Answer(node, "u", due, latency, 200, "", "s-" + node + "-" + due, "host", false);
    }

    private static Answer status(String node, long due, int status) {
        return new Answer(node, "u", due, 1, status, "detail", null, null, false);
    }
}
