package io.berth.inventory.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inventory's OpenAPI document holds every rule its request bodies had in code: required fields, types,
 * enum values, ranges, and unknown fields refused, each failure naming the field. Checked with the same
 * vertx-openapi validator the router runs, on the document the service serves.
 */
class InventoryContractTest {

    private static Vertx vertx;
    private static RequestValidator validator;

    @BeforeAll
    static void loadTheDocument() {
        vertx = Vertx.vertx();
        OpenAPIContract contract = OpenAPIContract.from(vertx, InventoryApi.CONTRACT).await();
        validator = RequestValidator.create(vertx, contract);
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().await();
    }

    private static JsonObject poolBody() {
        return new JsonObject().put("type", "POOLED").put("loadBalancer", "BREADTH_FIRST").put("maxSessionsPerHost", 10)
                .put("personalAssignment", "AUTOMATIC").put("startVmOnConnect", false);
    }

    private static JsonObject appGroupBody() {
        return new JsonObject().put("poolId", "pool-a").put("type", "DESKTOP").put("users", new JsonArray())
                .put("groups", new JsonArray());
    }

    private static JsonObject heartbeatBody() {
        return new JsonObject().put("hostId", "vm-1").put("status", "AVAILABLE").put("sessionIds", new JsonArray())
                .put("healthChecks", new JsonArray());
    }

    /** What the validator says is wrong with the request: every error with its location; empty when valid. */
    private static List<String> problems(String operationId, String pathParam, String pathValue, Object body) {
        Map<String, RequestParameter> path = pathParam == null ? Map.of()
                : Map.of(pathParam, new RequestParameterImpl(pathValue));
        try {
            validator.validate(new ValidatableRequestImpl(Map.of(), Map.of(), path, Map.of(),
                    new RequestParameterImpl(Buffer.buffer(String.valueOf(body))), "application/json"), operationId).await();
            return List.of();
        } catch (CompletionException | ValidatorException e) {
            Throwable failure = e instanceof CompletionException ? e.getCause() : e;
            List<String> problems = new ArrayList<>();
            problems.add(failure.getMessage());
            if (failure instanceof SchemaValidationException schema) {
                collect(schema.getOutputUnit(), problems);
            }
            return problems;
        }
    }

    private static void collect(OutputUnit unit, List<String> problems) {
        problems.add(unit.getInstanceLocation() + " " + unit.getError());
        if (unit.getErrors() != null) {
            unit.getErrors().forEach(error -> collect(error, problems));
        }
    }

    private static void assertRefused(List<String> problems, String field) {
        assertThat(problems).as("refused, naming " + field).isNotEmpty().anySatisfy(problem ->
                assertThat(problem).contains(field));
    }

    private static List<String> pool(JsonObject body) {
        return problems("putHostPool", "poolId", "pool-a", body);
    }

    @Test
    void aValidPoolWithOrWithoutItsOptionalFieldsPasses() {
        assertThat(pool(poolBody())).isEmpty();
        assertThat(pool(poolBody().put("heartbeatSeconds", 1).put("pendingTimeoutSeconds", 86_400).put("poolId", "pool-a")))
                .isEmpty();
        assertThat(pool(poolBody().putNull("heartbeatSeconds"))).as("null takes the default").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"type", "loadBalancer", "maxSessionsPerHost", "personalAssignment", "startVmOnConnect"})
    void everyRequiredPoolFieldIsRequired(String field) {
        JsonObject body = poolBody();
        body.remove(field);
        assertRefused(pool(body), field);
    }

    @Test
    void poolFieldsOfTheWrongTypeOrRangeAreRefused() {
        assertRefused(pool(poolBody().put("type", "SHARED")), "type");
        assertRefused(pool(poolBody().put("type", "SHARED")), "POOLED");
        assertRefused(pool(poolBody().put("loadBalancer", 3)), "loadBalancer");
        assertRefused(pool(poolBody().put("maxSessionsPerHost", 0)), "maxSessionsPerHost");
        assertRefused(pool(poolBody().put("maxSessionsPerHost", 10_001)), "maxSessionsPerHost");
        assertRefused(pool(poolBody().put("maxSessionsPerHost", "10")), "maxSessionsPerHost");
        assertRefused(pool(poolBody().put("maxSessionsPerHost", 2.5)), "maxSessionsPerHost");
        assertRefused(pool(poolBody().put("maxSessionsPerHost", 1L << 40)), "maxSessionsPerHost");
        assertRefused(pool(poolBody().put("startVmOnConnect", "yes")), "startVmOnConnect");
        assertRefused(pool(poolBody().put("heartbeatSeconds", 3_601)), "heartbeatSeconds");
        assertRefused(pool(poolBody().put("pendingTimeoutSeconds", 0)), "pendingTimeoutSeconds");
        assertRefused(pool(poolBody().putNull("personalAssignment")), "personalAssignment");
    }

    @Test
    void unknownFieldsBadIdsAndNonObjectsAreRefused() {
        assertRefused(pool(poolBody().put("heartbeatSecond", 5)), "heartbeatSecond");
        assertRefused(pool(poolBody().put("poolId", "../x")), "poolId");
        assertThat(pool(poolBody().put("poolId", "q"))).as("a mismatch is the handler's to refuse").isEmpty();
        assertThat(problems("putHostPool", "poolId", "pool-a", new JsonArray())).as("an array").isNotEmpty();
        assertRefused(problems("putHostPool", "poolId", "-pool", poolBody()), "poolId");
    }

    @Test
    void badAppGroupsAreRefused() {
        assertThat(problems("putAppGroup", "appGroupId", "ag", appGroupBody())).isEmpty();
        assertRefused(problems("putAppGroup", "appGroupId", "ag", appGroupBody().put("type", "WEB")), "DESKTOP");
        assertRefused(problems("putAppGroup", "appGroupId", "ag", appGroupBody().put("users", "alice")), "users");
        assertRefused(problems("putAppGroup", "appGroupId", "ag", appGroupBody().put("groups", new JsonArray().add(1))),
                "groups");
        assertRefused(problems("putAppGroup", "appGroupId", "ag",
                appGroupBody().put("users", new JsonArray().add("x".repeat(257)))), "users");
        assertRefused(problems("putAppGroup", "appGroupId", "ag",
                appGroupBody().put("groups", new JsonArray().add("staff\u0007"))), "groups");
        JsonObject noPool = appGroupBody();
        noPool.remove("poolId");
        assertRefused(problems("putAppGroup", "appGroupId", "ag", noPool), "poolId");
        JsonObject noGroups = appGroupBody();
        noGroups.remove("groups");
        assertThat(problems("putAppGroup", "appGroupId", "ag", noGroups)).as("absent list").isEmpty();
    }

    @Test
    void hostPatchesAreChecked() {
        assertThat(problems("patchHost", "hostId", "vm-1", new JsonObject().putNull("assignedUser"))).isEmpty();
        assertThat(problems("patchHost", "hostId", "vm-1", new JsonObject().put("assignedUser", "alice"))).isEmpty();
        assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("allowNewSessions", "false")),
                "allowNewSessions");
        assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("assignedUser", 7)), "assignedUser");
        assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("health", "AVAILABLE")), "health");
    }

    @Test
    void registrationTokenRequestsAreBounded() {
        assertThat(problems("createRegistrationToken", "poolId", "p", new JsonObject().put("ttlSeconds", 3_600)))
                .isEmpty();
        assertThat(problems("createRegistrationToken", "poolId", "p",
                new JsonObject().put("ttlSeconds", 60).put("maxHosts", 100_000))).isEmpty();
        assertRefused(problems("createRegistrationToken", "poolId", "p", new JsonObject().put("ttlSeconds", 0)),
                "ttlSeconds");
        assertRefused(problems("createRegistrationToken", "poolId", "p", new JsonObject()), "ttlSeconds");
        for (Object maxHosts : List.of(0, 100_001, "5")) {
            assertRefused(problems("createRegistrationToken", "poolId", "p",
                    new JsonObject().put("ttlSeconds", 60).put("maxHosts", maxHosts)), "maxHosts");
        }
    }

    @Test
    void agentBodiesAreCheckedAndRefuseUnknownFields() {
        JsonObject registration = new JsonObject().put("registrationToken", "t").put("hostName", "vm-1");
        assertThat(problems("registerAgent", null, null, registration)).isEmpty();
        assertRefused(problems("registerAgent", null, null, new JsonObject().put("hostName", "vm-1")),
                "registrationToken");
        assertRefused(problems("registerAgent", null, null, registration.copy().put("os", "win11")), "os");

        assertThat(problems("heartbeat", null, null, heartbeatBody())).isEmpty();
        JsonObject noSessions = heartbeatBody();
        noSessions.remove("sessionIds");
        assertThat(problems("heartbeat", null, null, noSessions)).as("absent list").isEmpty();
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("status", "RUNNING")), "status");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("healthChecks",
                new JsonArray().add(new JsonObject().put("name", "x")))), "ok");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("healthChecks", new JsonArray().add("disk"))),
                "healthChecks");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("sessionIds", "s1")), "sessionIds");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("agentVersion", "2.0")), "agentVersion");
    }

    @Test
    void thePoolsLogonCapLoadThresholdsAndSessionLimitsAreBounded() {
        assertThat(pool(poolBody().put("maxConcurrentLogonsPerHost", 1_000).put("disconnectedTimeoutMinutes", 10_080)
                .put("maxSessionMinutes", 43_200).put("limitWarningMinutes", 60)
                .put("loadThresholds", new JsonObject().put("cpuPct", 80).put("memoryPct", 100)))).isEmpty();
        assertThat(pool(poolBody().put("maxConcurrentLogonsPerHost", 0).put("disconnectedTimeoutMinutes", 0)
                .put("maxSessionMinutes", 0).put("limitWarningMinutes", 1)
                .put("loadThresholds", new JsonObject().put("memoryPct", 1)))).as("each at its lower bound").isEmpty();
        assertThat(pool(poolBody().putNull("loadThresholds").putNull("limitWarningMinutes"))).as("null is the default")
                .isEmpty();
        assertRefused(pool(poolBody().put("maxConcurrentLogonsPerHost", 1_001)), "maxConcurrentLogonsPerHost");
        assertRefused(pool(poolBody().put("maxConcurrentLogonsPerHost", -1)), "maxConcurrentLogonsPerHost");
        assertRefused(pool(poolBody().put("disconnectedTimeoutMinutes", 10_081)), "disconnectedTimeoutMinutes");
        assertRefused(pool(poolBody().put("maxSessionMinutes", 43_201)), "maxSessionMinutes");
        assertRefused(pool(poolBody().put("limitWarningMinutes", 0)), "limitWarningMinutes");
        assertRefused(pool(poolBody().put("limitWarningMinutes", 61)), "limitWarningMinutes");
        assertRefused(pool(poolBody().put("loadThresholds", new JsonObject().put("cpuPct", 0))), "loadThresholds/cpuPct");
        assertRefused(pool(poolBody().put("loadThresholds", new JsonObject().put("memoryPct", 101))),
                "loadThresholds/memoryPct");
        assertRefused(pool(poolBody().put("loadThresholds", new JsonObject().put("diskPct", 50))), "diskPct");
        assertRefused(pool(poolBody().put("loadThresholds", 80)), "loadThresholds");
    }

    @Test
    void hostTagsAreBounded() {
        JsonArray twenty = new JsonArray();
        for (int i = 0; i < 20; i++) {
            twenty.add("tag-" + i);
        }
        assertThat(problems("patchHost", "hostId", "vm-1", new JsonObject().put("tags", twenty))).isEmpty();
        assertThat(problems("patchHost", "hostId", "vm-1", new JsonObject().put("tags",
                new JsonArray().add("no-autoscale").add("a.b_c:D-9").add("x".repeat(64))))).isEmpty();
        assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("tags", twenty.copy().add("one-more"))),
                "tags");
        for (String bad : List.of("", "x".repeat(65), "has space", "slash/no", "é")) {
            assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("tags", new JsonArray().add(bad))),
                    "tags/0");
        }
        assertRefused(problems("patchHost", "hostId", "vm-1", new JsonObject().put("tags", "gpu")), "tags");
    }

    @Test
    void heartbeatAcknowledgementsAndLoadAreChecked() {
        assertThat(problems("heartbeat", null, null, heartbeatBody().put("ackedCommandIds", new JsonArray().add("c1"))
                .put("load", new JsonObject().put("cpuPct", 0).put("memoryPct", 100)))).isEmpty();
        assertThat(problems("heartbeat", null, null, heartbeatBody().put("load", new JsonObject().put("cpuPct", 12.5)
                .put("memoryPct", 40.25)))).as("fractions").isEmpty();
        assertThat(problems("heartbeat", null, null, heartbeatBody().putNull("load").putNull("ackedCommandIds")))
                .isEmpty();
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("ackedCommandIds", "c1")), "ackedCommandIds");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("ackedCommandIds", new JsonArray().add(""))),
                "ackedCommandIds/0");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("load",
                new JsonObject().put("cpuPct", 100.5).put("memoryPct", 1))), "load/cpuPct");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("load",
                new JsonObject().put("cpuPct", 1).put("memoryPct", -1))), "load/memoryPct");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("load", new JsonObject().put("cpuPct", 1))),
                "memoryPct");
        assertRefused(problems("heartbeat", null, null, heartbeatBody().put("load",
                new JsonObject().put("cpuPct", 1).put("memoryPct", 1).put("gpuPct", 3))), "gpuPct");
    }
}
