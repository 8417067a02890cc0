package io.berth.deploy.demo;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.HostCommandType;
import io.berth.common.events.HostLoad;
import io.berth.deploy.client.AgentCommand;
import io.berth.deploy.client.HeartbeatReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's side of the command channel and the power states of a simulated host. */
class SimulatedHostCommandsTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aCommandIsCarriedOutOnceButAcknowledgedUntilAHeartbeatCarriedTheAck() {
        // given a host that received a LOGOFF and a MESSAGE
        SimulatedHost host = new SimulatedHost("h1", "token");
        host.allocated("s1", "alice");
        AgentCommand logoff = new AgentCommand("c1", HostCommandType.LOGOFF, "s1", null, AT);
        AgentCommand message = new AgentCommand("c2", HostCommandType.MESSAGE, "s1", "Save your work", AT);
        assertThat(host.received(List.of(logoff, message))).containsExactly(logoff, message);

        // when the next heartbeat goes out, but its answer is lost, and the inventory sends both again
        HeartbeatReport lost = host.report();
        List<AgentCommand> again = host.received(List.of(logoff, message));

        // then nothing is carried out twice, and the acks are sent again until a heartbeat carrying them succeeds
        assertThat(lost.ackedCommandIds()).containsExactly("c1", "c2");
        assertThat(again).isEmpty();
        assertThat(host.report().ackedCommandIds()).containsExactly("c1", "c2");
        host.acknowledged(host.report().ackedCommandIds());
        assertThat(host.report().ackedCommandIds()).isEmpty();
    }

    @Test
    void aCommandArrivingWhileItsAckIsInFlightIsAcknowledgedAgain() {
        // given an ack for c1 in flight
        SimulatedHost host = new SimulatedHost("h1", "token");
        host.received(List.of(new AgentCommand("c1", HostCommandType.MESSAGE, "s1", "hi", AT)));
        HeartbeatReport inFlight = host.report();

        // when c2 arrives before that heartbeat is answered, then the answer comes
        host.received(List.of(new AgentCommand("c2", HostCommandType.MESSAGE, "s1", "hi", AT)));
        host.acknowledged(inFlight.ackedCommandIds());

        // then only c2 is left to acknowledge
        assertThat(host.report().ackedCommandIds()).containsExactly("c2");
    }

    @Test
    void theMemoryOfCarriedOutCommandsIsBounded() {
        // given more distinct commands than a host remembers
        SimulatedHost host = new SimulatedHost("h1", "token");
        List<AgentCommand> many = IntStream.rangeClosed(0, SimulatedHost.REMEMBERED_COMMANDS)
                .mapToObj(i -> new AgentCommand("c" + i, HostCommandType.MESSAGE, "s", "m", AT)).toList();
        host.received(many);

        // then the newest are still recognised, the oldest forgotten
        assertThat(host.received(List.of(many.get(many.size() - 1)))).isEmpty();
        assertThat(host.received(List.of(many.get(0)))).hasSize(1);
    }

    @Test
    void aStoppedHostReportsShutdownIsSilentAndRunsAgainOnlyAfterItsBoot() {
        // given a running host reporting a load
        SimulatedHost host = new SimulatedHost("h1", "token");
        host.reportLoad(new HostLoad(95, 60));
        assertThat(host.running()).isTrue();
        assertThat(host.report().status()).isEqualTo(AgentStatus.AVAILABLE);
        assertThat(host.report().load()).isEqualTo(new HostLoad(95, 60));

        // when it is stopped (twice: the second STOP changes nothing)
        assertThat(host.stop()).isTrue();
        assertThat(host.stop()).isFalse();

        // then its last heartbeat says SHUTDOWN and it does not heartbeat any more
        assertThat(host.report().status()).isEqualTo(AgentStatus.SHUTDOWN);
        assertThat(host.running()).isFalse();

        // when it is started: it boots (a second START is ignored), and runs once booted
        assertThat(host.start()).isTrue();
        assertThat(host.start()).isFalse();
        assertThat(host.power()).isEqualTo(SimulatedHost.Power.BOOTING);
        assertThat(host.running()).isFalse();
        assertThat(host.booted()).isTrue();
        assertThat(host.running()).isTrue();
        assertThat(host.report().status()).isEqualTo(AgentStatus.AVAILABLE);
    }

    @Test
    void aRunningHostIgnoresAStartAndAStopDuringTheBootWins() {
        SimulatedHost host = new SimulatedHost("h1", "token");
        assertThat(host.start()).isFalse();
        assertThat(host.booted()).isFalse();

        host.stop();
        host.start();
        host.stop();
        assertThat(host.booted()).isFalse();
        assertThat(host.power()).isEqualTo(SimulatedHost.Power.OFF);
    }
}
