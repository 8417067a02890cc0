package io.berth.inventory.api;

import io.berth.common.events.AgentStatus;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.HealthCheck;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.http.ProblemException;
import io.berth.inventory.domain.AgentRegistration;
import io.berth.inventory.domain.Heartbeat;
import io.berth.inventory.domain.HostPatch;
import io.berth.inventory.domain.RegistrationTokenRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBodiesTest {

    private static Map<String, Object> poolBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "POOLED");
        body.put("loadBalancer", "BREADTH_FIRST");
        body.put("maxSessionsPerHost", 10);
        body.put("personalAssignment", "AUTOMATIC");
        body.put("startVmOnConnect", false);
        return body;
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> body, String field) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.remove(field);
        return copy;
    }

    private static void assertInvalid(Runnable parse, String detailFragment) {
        assertThatThrownBy(parse::run)
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(400);
                    assertThat(problem.detail()).contains(detailFragment);
                });
    }

    @Test
    void aValidPoolGetsDefaultIntervals() {
        HostPoolConfig pool = RequestBodies.pool("pool-a", poolBody());

        assertThat(pool).isEqualTo(new HostPoolConfig(1, "pool-a", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, 30, 60));
    }

    @Test
    void aPoolTakesGivenIntervalsAndItsOwnIdBack() {
        Map<String, Object> body = with(with(with(poolBody(), "heartbeatSeconds", 1), "pendingTimeoutSeconds", 86_400),
                "poolId", "pool-a");

        HostPoolConfig pool = RequestBodies.pool("pool-a", body);

        assertThat(pool.heartbeatSeconds()).isEqualTo(1);
        assertThat(pool.pendingTimeoutSeconds()).isEqualTo(86_400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"type", "loadBalancer", "maxSessionsPerHost", "personalAssignment", "startVmOnConnect"})
    void everyRequiredPoolFieldIsRequired(String field) {
        assertInvalid(() -> RequestBodies.pool("pool-a", without(poolBody(), field)), "missing the required field " + field);
    }

    @Test
    void poolFieldsOfTheWrongTypeOrRangeAreRefused() {
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "type", "SHARED")), "type must be one of POOLED, PERSONAL");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "loadBalancer", 3)), "loadBalancer must be one of");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", 0)), "between 1 and 10000, was 0");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", 10_001)), "was 10001");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", "10")), "maxSessionsPerHost must be");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", 2.5)), "maxSessionsPerHost must be");
        assertThat(RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", 5.0)).maxSessionsPerHost()).isEqualTo(5);
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "maxSessionsPerHost", 1L << 40)), "maxSessionsPerHost must be");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "startVmOnConnect", "yes")), "startVmOnConnect must be true or false");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "heartbeatSeconds", 3_601)), "heartbeatSeconds");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "pendingTimeoutSeconds", 0)), "pendingTimeoutSeconds");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "personalAssignment", null)), "personalAssignment must not be null");
    }

    @Test
    void unknownFieldsAndMismatchedIdsAreRefused() {
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "heartbeatSecond", 5)), "unknown field(s) [heartbeatSecond]");
        assertInvalid(() -> RequestBodies.pool("p", with(poolBody(), "poolId", "q")), "differs from the one in the path");
        assertInvalid(() -> RequestBodies.pool("p", List.of()), "must be a JSON object");
        assertInvalid(() -> RequestBodies.pool("p/../x", poolBody()), "poolId 'p/../x' is not valid");
    }

    @Test
    void anAppGroupIsReadWithDistinctUsersAndGroups() {
        Map<String, Object> body = Map.of("poolId", "pool-a", "type", "REMOTE_APP",
                "users", List.of("alice", "bob", "alice"), "groups", List.of());

        AppGroupConfig group = RequestBodies.appGroup("ag-1", body);

        assertThat(group).isEqualTo(new AppGroupConfig(1, "ag-1", "pool-a", AppGroupType.REMOTE_APP,
                List.of("alice", "bob"), List.of()));
    }

    @Test
    void badAppGroupsAreRefused() {
        Map<String, Object> body = Map.of("poolId", "pool-a", "type", "DESKTOP", "users", List.of(), "groups", List.of());
        assertInvalid(() -> RequestBodies.appGroup("ag", with(body, "type", "WEB")), "type must be one of DESKTOP, REMOTE_APP");
        assertInvalid(() -> RequestBodies.appGroup("ag", with(body, "users", "alice")), "users must be an array of strings");
        assertInvalid(() -> RequestBodies.appGroup("ag", with(body, "groups", List.of(1))), "groups must be an array of non-empty strings");
        assertInvalid(() -> RequestBodies.appGroup("ag", without(body, "poolId")), "missing the required field poolId");
        assertThat(RequestBodies.appGroup("ag", without(body, "groups")).groups()).as("absent list is empty").isEmpty();
    }

    @Test
    void aHostPatchTellsAbsentFromNull() {
        assertThat(RequestBodies.hostPatch(Map.of("allowNewSessions", false)))
                .isEqualTo(new HostPatch(false, false, null));
        Map<String, Object> unassign = new HashMap<>();
        unassign.put("assignedUser", null);
        assertThat(RequestBodies.hostPatch(unassign)).isEqualTo(new HostPatch(null, true, null));
        assertThat(RequestBodies.hostPatch(Map.of("assignedUser", "alice"))).isEqualTo(new HostPatch(null, true, "alice"));
    }

    @Test
    void badHostPatchesAreRefused() {
        assertInvalid(() -> RequestBodies.hostPatch(Map.of("allowNewSessions", "false")), "allowNewSessions must be true or false");
        assertInvalid(() -> RequestBodies.hostPatch(Map.of("assignedUser", 7)), "assignedUser must be a non-empty string or null");
        assertInvalid(() -> RequestBodies.hostPatch(Map.of("health", "AVAILABLE")), "unknown field(s) [health]");
    }

    @Test
    void registrationTokenTtlIsBounded() {
        assertThat(RequestBodies.registrationTokenTtlSeconds(Map.of("ttlSeconds", 3_600))).isEqualTo(3_600);
        assertInvalid(() -> RequestBodies.registrationTokenTtlSeconds(Map.of("ttlSeconds", 0)), "ttlSeconds");
        assertInvalid(() -> RequestBodies.registrationTokenTtlSeconds(Map.of()), "missing the required field ttlSeconds");
    }

    @Test
    void aRegistrationTokensHostLimitIsOptionalAndBounded() {
        assertThat(RequestBodies.registrationToken(Map.of("ttlSeconds", 60)))
                .isEqualTo(new RegistrationTokenRequest(60, null));
        assertThat(RequestBodies.registrationToken(Map.of("ttlSeconds", 60, "maxHosts", 100_000)))
                .isEqualTo(new RegistrationTokenRequest(60, 100_000));
        assertInvalid(() -> RequestBodies.registrationToken(Map.of("ttlSeconds", 60, "maxHosts", 0)), "maxHosts");
        assertInvalid(() -> RequestBodies.registrationToken(Map.of("ttlSeconds", 60, "maxHosts", 100_001)), "maxHosts");
        assertInvalid(() -> RequestBodies.registrationToken(Map.of("ttlSeconds", 60, "maxHosts", "5")), "maxHosts");
    }

    @Test
    void aRegistrationNeedsATokenAndAHostName() {
        assertThat(RequestBodies.agentRegistration(Map.of("registrationToken", "t", "hostName", "VM-1.corp.example")))
                .isEqualTo(new AgentRegistration("t", "VM-1.corp.example"));
        assertInvalid(() -> RequestBodies.agentRegistration(Map.of("registrationToken", "t", "hostName", "bad host")),
                "not a valid host name");
        assertInvalid(() -> RequestBodies.agentRegistration(Map.of("hostName", "vm-1")), "registrationToken");
    }

    @Test
    void aHeartbeatIsReadWithItsChecks() {
        Map<String, Object> check = new HashMap<>();
        check.put("name", "fslogix");
        check.put("ok", false);
        check.put("detail", "share unreachable");
        Map<String, Object> body = Map.of("hostId", "vm-1", "status", "AVAILABLE",
                "sessionIds", List.of("s1"), "healthChecks", List.of(check, Map.of("name", "disk", "ok", true)));

        Heartbeat heartbeat = RequestBodies.heartbeat(body);

        assertThat(heartbeat).isEqualTo(new Heartbeat("vm-1", AgentStatus.AVAILABLE, List.of("s1"), List.of(
                new HealthCheck("fslogix", false, "share unreachable"), new HealthCheck("disk", true, null))));
    }

    @Test
    void badHeartbeatsAreRefused() {
        Map<String, Object> body = Map.of("hostId", "vm-1", "status", "AVAILABLE", "sessionIds", List.of(),
                "healthChecks", List.of());
        assertInvalid(() -> RequestBodies.heartbeat(with(body, "status", "RUNNING")),
                "status must be one of " + String.join(", ", Arrays.stream(AgentStatus.values()).map(Enum::name).toList()));
        assertInvalid(() -> RequestBodies.heartbeat(with(body, "healthChecks", List.of(Map.of("name", "x")))),
                "missing the required field ok");
        assertInvalid(() -> RequestBodies.heartbeat(with(body, "healthChecks", List.of("disk"))),
                "health check must be a JSON object");
        assertInvalid(() -> RequestBodies.heartbeat(with(body, "sessionIds", "s1")), "sessionIds must be an array");
        assertThat(RequestBodies.heartbeat(without(body, "sessionIds")).sessionIds()).isEmpty();
    }

    @Test
    void agentBodiesIgnoreFieldsOfNewerAgents() {
        Map<String, Object> body = Map.of("hostId", "vm-1", "status", "SHUTDOWN", "agentVersion", "2.0",
                "healthChecks", List.of(Map.of("name", "disk", "ok", true, "durationMs", 5)));

        assertThat(RequestBodies.heartbeat(body).status()).isEqualTo(AgentStatus.SHUTDOWN);
        assertThat(RequestBodies.agentRegistration(Map.of("registrationToken", "t", "hostName", "vm-1", "os", "win11")))
                .isEqualTo(new AgentRegistration("t", "vm-1"));
    }
}
