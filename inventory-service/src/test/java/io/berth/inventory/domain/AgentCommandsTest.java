package io.berth.inventory.domain;

import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's command channel (DESIGN.md 7.2): what a heartbeat answer carries, and until when. */
class AgentCommandsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T08:00:00Z");

    private final AgentCommands commands = new AgentCommands();

    private static HostCommandEvent command(String id, String hostId, HostCommandType type, Instant at) {
        return new HostCommandEvent(1, id, hostId, type, "s-" + id, type == HostCommandType.MESSAGE ? "Save your work"
                : null, type == HostCommandType.LOGOFF ? "LOGOFF" : null, at);
    }

    /** Delivers to {@code hostId} with {@code acked}, applying the acknowledgements as the writer would once durable. */
    private List<String> heartbeat(String hostId, Instant now, String... acked) {
        AgentCommands.Delivery delivery = commands.deliver(hostId, List.of(acked), now);
        delivery.acks().ifPresent(commands::apply);
        return delivery.commands().stream().map(AgentCommand::commandId).toList();
    }

    @Test
    void aCommandIsDeliveredInEveryAnswerUntilAcknowledged() {
        // given
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);
        commands.onCommand(command("c2", "vm-1", HostCommandType.MESSAGE, T0.plusSeconds(1)), T0.plusSeconds(1));

        // when / then
        assertThat(heartbeat("vm-1", T0.plusSeconds(30))).containsExactly("c1", "c2");
        assertThat(heartbeat("vm-1", T0.plusSeconds(60))).as("sent again while unacknowledged")
                .containsExactly("c1", "c2");
        assertThat(heartbeat("vm-1", T0.plusSeconds(90), "c1")).as("the acknowledging heartbeat's own answer")
                .containsExactly("c2");
        assertThat(heartbeat("vm-1", T0.plusSeconds(120))).containsExactly("c2");
    }

    @Test
    void theAnswerCarriesWhatTheAgentNeeds() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.MESSAGE, T0), T0);

        assertThat(commands.deliver("vm-1", List.of(), T0).commands()).containsExactly(
                new AgentCommand("c1", HostCommandType.MESSAGE, "s-c1", "Save your work", T0));
    }

    @Test
    void aCommandIsDroppedAtTenMinutesOld() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);

        assertThat(heartbeat("vm-1", T0.plus(Duration.ofMinutes(10)).minusMillis(1))).containsExactly("c1");
        assertThat(heartbeat("vm-1", T0.plus(Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void aCommandReadWhenAlreadyTenMinutesOldIsNeverDelivered() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0.plus(Duration.ofMinutes(10)));

        assertThat(heartbeat("vm-1", T0.plus(Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void anAcknowledgementOfAnUnknownIdIsIgnored() {
        // given
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);

        // when
        AgentCommands.Delivery delivery = commands.deliver("vm-1", List.of("nope", "c1-of-someone-else"), T0);

        // then
        assertThat(delivery.acks()).as("nothing to publish").isEmpty();
        assertThat(delivery.commands()).extracting(AgentCommand::commandId).containsExactly("c1");
    }

    @Test
    void anotherHostsCommandsAreNeverDeliveredNorAcknowledged() {
        // given
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);
        commands.onCommand(command("c2", "vm-2", HostCommandType.MESSAGE, T0), T0);

        // when
        AgentCommands.Delivery toVm2 = commands.deliver("vm-2", List.of("c1"), T0);

        // then
        assertThat(toVm2.commands()).extracting(AgentCommand::commandId).containsExactly("c2");
        assertThat(toVm2.acks()).as("vm-2 cannot acknowledge vm-1's command").isEmpty();
        assertThat(heartbeat("vm-1", T0)).containsExactly("c1");
        assertThat(heartbeat("vm-3", T0)).isEmpty();
    }

    @Test
    void powerCommandsAreNotTheAgents() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.START, T0), T0);
        commands.onCommand(command("c2", "vm-1", HostCommandType.STOP, T0), T0);

        assertThat(heartbeat("vm-1", T0)).isEmpty();
    }

    @Test
    void anAcknowledgementTakesEffectOnlyOnceApplied() {
        // given
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);

        // when: the acknowledging heartbeat's decision was never made durable (Kafka refused it)
        commands.deliver("vm-1", List.of("c1"), T0);

        // then
        assertThat(heartbeat("vm-1", T0.plusSeconds(30))).containsExactly("c1");
    }

    @Test
    void anAcknowledgedCommandReadAgainAfterAFailoverIsNotDelivered() {
        // given: a new writer has the acknowledgements from berth.config, then reads the commands again
        AgentCommands newWriter = new AgentCommands();
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);
        AcknowledgedCommands acks = commands.deliver("vm-1", List.of("c1"), T0).acks().orElseThrow();
        newWriter.apply(acks);

        // when
        newWriter.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0.plusSeconds(5));
        newWriter.onCommand(command("c2", "vm-1", HostCommandType.LOGOFF, T0), T0.plusSeconds(5));

        // then
        assertThat(newWriter.deliver("vm-1", List.of(), T0.plusSeconds(5)).commands())
                .extracting(AgentCommand::commandId).containsExactly("c2");
    }

    @Test
    void theAcknowledgementRecordKeepsOnlyWhatIsUnderTenMinutesOld() {
        // given
        commands.onCommand(command("old", "vm-1", HostCommandType.LOGOFF, T0), T0);
        heartbeat("vm-1", T0, "old");
        Instant later = T0.plus(Duration.ofMinutes(10));
        commands.onCommand(command("new", "vm-1", HostCommandType.LOGOFF, later), later);

        // when
        AcknowledgedCommands acks = commands.deliver("vm-1", List.of("new"), later).acks().orElseThrow();

        // then
        assertThat(acks.key()).isEqualTo("hostcommands/vm-1");
        assertThat(acks.acked()).containsOnlyKeys("new");
    }

    @Test
    void aCommandReadTwiceIsDeliveredOnce() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);

        assertThat(heartbeat("vm-1", T0)).containsExactly("c1");
    }

    @Test
    void expiringForgetsOldCommands() {
        commands.onCommand(command("c1", "vm-1", HostCommandType.LOGOFF, T0), T0);
        commands.expire(T0.plus(Duration.ofMinutes(11)));

        assertThat(commands.deliver("vm-1", List.of(), T0).commands()).as("gone, even asked for as of before").isEmpty();
    }
}
