package io.berth.deploy.client;

import io.berth.common.events.HostCommandType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatAnswerTest {

    @Test
    void readsTheCommandsOfSection7_2() {
        // given
        JsonObject body = new JsonObject().put("nextHeartbeatSeconds", 10).put("commands", new JsonArray()
                .add(new JsonObject().put("commandId", "c1").put("command", "LOGOFF").put("sessionId", "s1")
                        .put("at", "2026-12-01T10:00:00Z"))
                .add(new JsonObject().put("commandId", "c2").put("command", "MESSAGE").put("sessionId", "s1")
                        .put("message", "Save your work").put("at", "2026-12-01T10:00:01Z")));

        // when
        HeartbeatAnswer answer = HeartbeatAnswer.of(body);

        // then
        assertThat(answer.nextHeartbeatSeconds()).isEqualTo(10);
        assertThat(answer.commands()).containsExactly(
                new AgentCommand("c1", HostCommandType.LOGOFF, "s1", null, Instant.parse("2026-12-01T10:00:00Z")),
                new AgentCommand("c2", HostCommandType.MESSAGE, "s1", "Save your work", Instant.parse("2026-12-01T10:00:01Z")));
    }

    @Test
    void anAnswerOfSection4CarriesNoCommandsAndWhatItCannotReadIsLeftOut() {
        assertThat(HeartbeatAnswer.of(new JsonObject().put("nextHeartbeatSeconds", 30)).commands()).isEmpty();

        HeartbeatAnswer answer = HeartbeatAnswer.of(new JsonObject().put("nextHeartbeatSeconds", 30).put("commands", new JsonArray()
                .add(new JsonObject().put("commandId", "c1").put("command", "REBOOT"))
                .add(new JsonObject().put("command", "LOGOFF").put("sessionId", "s1"))
                .add("not an object")
                .add(new JsonObject().put("commandId", "c3").put("command", "MESSAGE").put("at", "yesterday"))));
        assertThat(answer.commands()).singleElement().satisfies(command -> {
            assertThat(command.commandId()).isEqualTo("c3");
            assertThat(command.at()).isNull();
        });
    }
}
