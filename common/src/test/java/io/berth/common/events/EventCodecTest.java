package io.berth.common.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2026-11-27T08:55:00.123Z");

    @Test
    void everyEventTypeRoundTrips() throws Exception {
        List<Event> events = List.of(
                new HostPoolConfig(1, "p", PoolType.PERSONAL, LoadBalancer.DEPTH_FIRST, 4, PersonalAssignment.DIRECT,
                        true, 10, 20),
                new AppGroupConfig(1, "ag", "p", AppGroupType.REMOTE_APP, List.of("u1"), List.of("g1")),
                new HostRegistration(1, "h.example.com", "p", AT, "t1"),
                new HostHealthEvent(1, "h", "p", Health.NO_HEARTBEAT, false, "alice", List.of("s1", "s2"), AT,
                        List.of(new HealthCheck("disk", false, "full"))),
                new AllocationEvent(1, "s1", "alice", "p", "h", "ag", AT, "node-1"),
                new SessionEvent(1, "s1", "alice", "p", "h", SessionState.ENDED, AT, AT, "LOGOFF"),
                new HostCommandEvent(1, "h", HostCommandType.START, null, AT));

        for (Event event : events) {
            byte[] json = EventCodec.encode(event);
            assertThat(EventCodec.decode(json, event.getClass())).as(new String(json, StandardCharsets.UTF_8))
                    .isEqualTo(event);
        }
    }

    @Test
    void writesTheContractFieldNamesAndIsoTimestamps() {
        String json = new String(EventCodec.encode(
                new AllocationEvent(1, "s1", "alice", "p", "h", "ag", AT, "node-1")), StandardCharsets.UTF_8);

        assertThat(json).contains("\"v\":1", "\"sessionId\":\"s1\"", "\"userId\":\"alice\"", "\"poolId\":\"p\"",
                "\"hostId\":\"h\"", "\"appGroupId\":\"ag\"", "\"allocatedAt\":\"2026-11-27T08:55:00.123Z\"",
                "\"brokerNode\":\"node-1\"");
    }

    @Test
    void hostHealthAlwaysCarriesAssignedUserEvenWhenNull() {
        String json = new String(EventCodec.encode(new HostHealthEvent(1, "h", "p", Health.AVAILABLE, true, null,
                List.of(), AT, List.of())), StandardCharsets.UTF_8);

        assertThat(json).contains("\"assignedUser\":null", "\"sessionIds\":[]", "\"healthChecks\":[]");
    }

    @Test
    void ignoresUnknownFieldsFromNewerWriters() throws Exception {
        byte[] json = """
                {"v":2,"hostId":"h","command":"LOGOFF","sessionId":"s","at":"2026-11-27T08:55:00Z","priority":"high"}
                """.getBytes(StandardCharsets.UTF_8);

        HostCommandEvent event = EventCodec.decode(json, HostCommandEvent.class);

        assertThat(event.v()).isEqualTo(2);
        assertThat(event.command()).isEqualTo(HostCommandType.LOGOFF);
    }

    @Test
    void aMissingVersionDefaultsToTheCurrentOne() throws Exception {
        byte[] json = "{\"sessionId\":\"s\",\"state\":\"ACTIVE\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(EventCodec.decode(json, SessionEvent.class).v()).isEqualTo(Event.CURRENT_VERSION);
    }

    @Test
    void malformedInputIsATypedErrorNotACrash() {
        List<String> bad = List.of("not json", "{\"state\":\"SLEEPING\"}", "[1,2]", "null", "",
                "{\"maxSessionsPerHost\":\"many\"}", "{\"createdAt\":\"yesterday\"}");

        for (String input : bad) {
            Class<? extends Event> type = input.contains("maxSessions") ? HostPoolConfig.class : SessionEvent.class;
            assertThatThrownBy(() -> EventCodec.decode(input.getBytes(StandardCharsets.UTF_8), type))
                    .as(input)
                    .isInstanceOf(MalformedEventException.class);
        }
        assertThatThrownBy(() -> EventCodec.decode(null, SessionEvent.class)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void configKeysNameTheirKind() {
        assertThat(ConfigKey.parse("pool/p1")).contains(ConfigKey.pool("p1"));
        assertThat(ConfigKey.parse("appgroup/a")).contains(ConfigKey.appGroup("a"));
        assertThat(ConfigKey.parse("host/h.example.com")).contains(ConfigKey.host("h.example.com"));
        assertThat(ConfigKey.parse("pool/")).isEmpty();
        assertThat(ConfigKey.parse("quota/x")).isEmpty();
        assertThat(ConfigKey.host("h").asString()).isEqualTo("host/h");
    }
}
