package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2026-11-27T08:55:00.123Z");

    /** The mapper as it was before timestamps got a fast path: what the codec must still agree with. */
    private static final ObjectMapper JAVA_TIME_ONLY = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

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
                new HostCommandEvent(1, "c1", "h", HostCommandType.START, null, null, null, AT),
                new HostCommandEvent(1, "c2", "h", HostCommandType.MESSAGE, "s1", "Save your work", "scaling", AT),
                new HostPoolConfig(1, "p", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10, PersonalAssignment.AUTOMATIC,
                        false, 30, 60, 2, new LoadThresholds(80, null), 60, 480, 10),
                new HostHealthEvent(1, "h", "p", Health.AVAILABLE, true, null, List.of(), AT, List.of(),
                        List.of("gpu", "no-autoscale"), new HostLoad(95.5, 40)),
                new ScalingPlanConfig(1, "plan", "Europe/Paris", List.of("p"), "no-autoscale", List.of(
                        new ScalingPlanConfig.Schedule("weekdays", List.of(java.time.DayOfWeek.MONDAY),
                                new ScalingPlanConfig.RampUp("07:00", LoadBalancer.BREADTH_FIRST, 20, 60),
                                new ScalingPlanConfig.Phase("09:00", LoadBalancer.DEPTH_FIRST),
                                new ScalingPlanConfig.RampDown("18:00", LoadBalancer.DEPTH_FIRST, 10, 90, true, 30,
                                        "Save your work", ScalingPlanConfig.StopHostsWhen.ZERO_ACTIVE_SESSIONS),
                                new ScalingPlanConfig.Phase("20:00", LoadBalancer.DEPTH_FIRST)))),
                new PoolScaling(1, "p", "plan", ScalingPhase.PEAK, LoadBalancer.DEPTH_FIRST, AT));

        for (Event event : events) {
            byte[] json = EventCodec.encode(event);
            assertThat(EventCodec.decode(json, event.getClass())).as(new String(json, StandardCharsets.UTF_8))
                    .isEqualTo(event);
        }
    }

    @Test
    void recordsWrittenBeforeSectionSevenDecodeWithItsDefaults() throws Exception {
        HostPoolConfig pool = EventCodec.decode(("{\"v\":1,\"poolId\":\"p\",\"type\":\"POOLED\",\"loadBalancer\":"
                + "\"BREADTH_FIRST\",\"maxSessionsPerHost\":4,\"personalAssignment\":\"AUTOMATIC\","
                + "\"startVmOnConnect\":false}").getBytes(StandardCharsets.UTF_8), HostPoolConfig.class);
        HostHealthEvent health = EventCodec.decode(("{\"v\":1,\"hostId\":\"h\",\"poolId\":\"p\",\"health\":"
                + "\"AVAILABLE\",\"allowNewSessions\":true}").getBytes(StandardCharsets.UTF_8), HostHealthEvent.class);

        assertThat(pool.maxConcurrentLogonsPerHost()).isZero();
        assertThat(pool.loadThresholds()).isNull();
        assertThat(pool.disconnectedTimeoutMinutes()).isZero();
        assertThat(pool.maxSessionMinutes()).isZero();
        assertThat(pool.limitWarningMinutes()).isEqualTo(HostPoolConfig.DEFAULT_LIMIT_WARNING_MINUTES);
        assertThat(health.tags()).isEmpty();
        assertThat(health.load()).isNull();
        assertThat(new String(EventCodec.encode(health), StandardCharsets.UTF_8)).contains("\"load\":null", "\"tags\":[]");
    }

    @Test
    void aLoadAtOrAboveAThresholdExceedsItAndAnUnknownLoadNever() {
        LoadThresholds cpu80 = new LoadThresholds(80, null);

        assertThat(cpu80.exceededBy(new HostLoad(95, 10))).isTrue();
        assertThat(cpu80.exceededBy(new HostLoad(80, 10))).isTrue();
        assertThat(cpu80.exceededBy(new HostLoad(79.9, 100))).isFalse();
        assertThat(cpu80.exceededBy(null)).isFalse();
        assertThat(new LoadThresholds(null, 90).exceededBy(new HostLoad(0, 90))).isTrue();
    }

    @Test
    void configKeysOfScalingPlansAndPoolPhasesParse() {
        assertThat(ConfigKey.parse("scalingplan/plan-1")).contains(ConfigKey.scalingPlan("plan-1"));
        assertThat(ConfigKey.parse("scaling/pool-1")).contains(ConfigKey.scaling("pool-1"));
        assertThat(ConfigKey.scalingPlan("x").kind().valueType()).isEqualTo(ScalingPlanConfig.class);
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
    void readsEveryTimestampFormItReadBefore() throws Exception {
        Map<String, Instant> accepted = new LinkedHashMap<>();
        accepted.put("\"2026-11-27T08:55:00Z\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27T08:55:00.1Z\"", Instant.parse("2026-11-27T08:55:00.100Z"));
        accepted.put("\"2026-11-27T08:55:00.123456789Z\"", Instant.parse("2026-11-27T08:55:00.123456789Z"));
        accepted.put("\"2026-11-27T08:55:00+02:00\"", Instant.parse("2026-11-27T06:55:00Z"));
        accepted.put("\"2026-11-27T08:55:00.5-01:30\"", Instant.parse("2026-11-27T10:25:00.500Z"));
        accepted.put("\"2026-11-27T08:55:00+02:00:30\"", Instant.parse("2026-11-27T06:54:30Z"));
        accepted.put("\"2026-11-27T08:55:00+00\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27T08:55:00+0000\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27T08:55:00-00:00\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27t08:55:00z\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27T08:55:00.Z\"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\" 2026-11-27T08:55:00Z \"", Instant.parse("2026-11-27T08:55:00Z"));
        accepted.put("\"2026-11-27T24:00:00Z\"", Instant.parse("2026-11-28T00:00:00Z"));
        accepted.put("\"2016-12-31T23:59:60Z\"", Instant.parse("2016-12-31T23:59:59Z"));
        accepted.put("\"+12026-11-27T08:55:00Z\"", Instant.parse("+12026-11-27T08:55:00Z"));
        accepted.put("\"-0001-11-27T08:55:00Z\"", Instant.parse("-0001-11-27T08:55:00Z"));
        accepted.put("1700000000", Instant.ofEpochSecond(1_700_000_000));
        accepted.put("1700000000.5", Instant.ofEpochSecond(1_700_000_000, 500_000_000));
        accepted.put("-1.5", Instant.ofEpochSecond(-2, 500_000_000));
        accepted.put("1700000000.123456789", Instant.ofEpochSecond(1_700_000_000, 123_456_789));
        accepted.put("\"1700000000\"", Instant.ofEpochSecond(1_700_000_000));
        accepted.put("\"1700000000.5\"", Instant.ofEpochSecond(1_700_000_000, 500_000_000));
        accepted.put("null", null);
        accepted.put("\"\"", null);

        for (Map.Entry<String, Instant> form : accepted.entrySet()) {
            byte[] json = sessionCreatedAt(form.getKey());

            assertThat(EventCodec.decode(json, SessionEvent.class).createdAt()).as(form.getKey())
                    .isEqualTo(form.getValue())
                    .isEqualTo(JAVA_TIME_ONLY.readValue(json, SessionEvent.class).createdAt());
        }
    }

    @Test
    void rejectsEveryTimestampItRejectedBeforeWithTheSameMessage() {
        List<String> rejected = List.of("\"2026-11-27T08:55:00.1234567891Z\"", "\"2026-11-27T08:55:00+0200\"",
                "\"2026-11-27T08:55:00+02\"", "\"2026-11-27 08:55:00Z\"", "\"2026-11-27T08:55Z\"",
                "\"2026-11-27T08:55:00\"", "\"2026-02-29T00:00:00Z\"", "\"2026-11-27T08:55:00,5Z\"",
                "\"2026-11-27T08:55:00+19:00\"", "\"2026-11-27T08:55:00Z[UTC]\"", "\"2026-11-27T25:00:00Z\"",
                "\"yesterday\"", "true", "{}", "[\"2026-11-27T08:55:00Z\"]");

        for (String form : rejected) {
            byte[] json = sessionCreatedAt(form);
            String before = catchThrowable(() -> JAVA_TIME_ONLY.readValue(json, SessionEvent.class)).getMessage();

            assertThatThrownBy(() -> EventCodec.decode(json, SessionEvent.class)).as(form)
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage("not a valid SessionEvent: " + before);
        }
    }

    @Test
    void writesTimestampsByteForByteAsBefore() throws Exception {
        List<Instant> instants = List.of(AT, Instant.parse("2026-11-27T08:55:00Z"), Instant.parse("2026-11-27T08:55:00.000100Z"),
                Instant.parse("2026-11-27T08:55:00.123456789Z"), Instant.EPOCH, Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.5Z"), Instant.MAX);

        for (Instant at : instants) {
            List<Event> events = List.of(new AllocationEvent(1, "s1", "alice", "p", "h", "ag", at, "node-1"),
                    new SessionEvent(1, "s1", "alice", "p", "h", SessionState.ACTIVE, at, null, null),
                    new HostHealthEvent(1, "h", "p", Health.AVAILABLE, true, null, List.of("s1"), at, List.of()));
            for (Event event : events) {
                byte[] json = EventCodec.encode(event);

                assertThat(new String(json, StandardCharsets.UTF_8)).as(at.toString())
                        .isEqualTo(new String(JAVA_TIME_ONLY.writeValueAsBytes(event), StandardCharsets.UTF_8));
                assertThat(EventCodec.decode(json, event.getClass())).isEqualTo(event);
            }
        }
    }

    @Test
    void aTimestampWithAFormatOfItsOwnIsWrittenAndReadAsBefore() throws Exception {
        EpochStamped value = new EpochStamped(AT);

        String json = EventCodec.mapper().writeValueAsString(value);

        assertThat(json).isEqualTo(JAVA_TIME_ONLY.writeValueAsString(value)).isEqualTo("{\"at\":1795769700.123000000}");
        assertThat(EventCodec.mapper().readValue(json, EpochStamped.class)).isEqualTo(value);
    }

    record EpochStamped(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant at) {
    }

    private static byte[] sessionCreatedAt(String jsonValue) {
        return ("{\"v\":1,\"sessionId\":\"s\",\"state\":\"ACTIVE\",\"createdAt\":" + jsonValue + "}")
                .getBytes(StandardCharsets.UTF_8);
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
