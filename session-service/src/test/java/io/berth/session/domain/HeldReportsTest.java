package io.berth.session.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HeldReportsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final Duration HOLD = Duration.ofSeconds(30);

    private final HeldReports held = new HeldReports(new UnknownReportHold(HOLD, 2, 3));

    @Test
    void reportsOfOneSessionAreReleasedInArrivalOrderOnce() {
        // given
        AgentReport logon = report("s1", AgentEventType.LOGON, "h1");
        AgentReport disconnect = report("s1", AgentEventType.DISCONNECT, "h1");
        held.hold(logon, T0);
        held.hold(disconnect, T0.plusSeconds(1));

        // when / then
        assertThat(held.release("s1")).extracting(HeldReport::report).containsExactly(logon, disconnect);
        assertThat(held.release("s1")).isEmpty();
        assertThat(held.size()).isZero();
    }

    @Test
    void aHostHoldsAtMostItsLimitAndAReleaseMakesRoom() {
        // given
        assertThat(held.hold(report("s1", AgentEventType.LOGON, "h1"), T0)).isTrue();
        assertThat(held.hold(report("s2", AgentEventType.LOGON, "h1"), T0)).isTrue();

        // when / then
        assertThat(held.hold(report("s3", AgentEventType.LOGON, "h1"), T0)).as("third of h1").isFalse();
        assertThat(held.hold(report("s4", AgentEventType.LOGON, "h2"), T0)).as("first of h2").isTrue();
        held.release("s1");
        assertThat(held.hold(report("s3", AgentEventType.LOGON, "h1"), T0)).as("after a release").isTrue();
    }

    @Test
    void allHostsTogetherHoldAtMostTheTotalLimit() {
        // given
        held.hold(report("s1", AgentEventType.LOGON, "h1"), T0);
        held.hold(report("s2", AgentEventType.LOGON, "h2"), T0);
        held.hold(report("s3", AgentEventType.LOGON, "h3"), T0);

        // then
        assertThat(held.hold(report("s4", AgentEventType.LOGON, "h4"), T0)).isFalse();
        assertThat(held.size()).isEqualTo(3);
    }

    @Test
    void aReportExpiresWhenItHasBeenHeldTheWholeHoldTime() {
        // given
        held.hold(report("s1", AgentEventType.LOGON, "h1"), T0);
        held.hold(report("s2", AgentEventType.LOGON, "h1"), T0.plusSeconds(10));

        // when / then
        assertThat(held.expire(T0.plus(HOLD).minusMillis(1))).isZero();
        assertThat(held.expire(T0.plus(HOLD))).isOne();
        assertThat(held.release("s1")).isEmpty();
        assertThat(held.isHolding("s2")).isTrue();
        assertThat(held.hold(report("s3", AgentEventType.LOGON, "h1"), T0.plus(HOLD)))
                .as("the expired report no longer counts against its host").isTrue();
        assertThat(held.expire(T0.plusSeconds(10).plus(HOLD))).isOne();
    }

    @Test
    void aReleasedReportNeverExpires() {
        // given
        held.hold(report("s1", AgentEventType.LOGON, "h1"), T0);
        held.release("s1");

        // then
        assertThat(held.expire(T0.plus(HOLD))).isZero();
    }

    @Test
    void theSameReportSentTwiceIsHeldTwice() {
        // given an agent retrying
        AgentReport logon = report("s1", AgentEventType.LOGON, "h1");
        held.hold(logon, T0);
        held.hold(logon, T0);

        // then
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.release("s1")).extracting(HeldReport::report).containsExactly(logon, logon);
    }

    @Test
    void releasedReportsRestoredKeepTheirHoldTime() {
        // given a report released at T0 + 10 s whose application was undone
        held.hold(report("s1", AgentEventType.LOGON, "h1"), T0);
        java.util.List<HeldReport> released = held.release("s1");

        // when
        held.restore(released);

        // then it is held again and still expires 30 s after it was first held
        assertThat(held.isHolding("s1")).isTrue();
        assertThat(held.expire(T0.plus(HOLD))).isOne();
    }

    private static AgentReport report(String sessionId, AgentEventType type, String hostId) {
        return new AgentReport(sessionId, type, "alice", hostId, null);
    }
}
