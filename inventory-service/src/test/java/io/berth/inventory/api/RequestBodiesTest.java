package io.berth.inventory.api;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.http.ProblemException;
import io.berth.inventory.domain.HostPatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is left of a request body once the OpenAPI document checked it: ids, defaults, duplicates. */
class RequestBodiesTest {

    private static RequestBodies.PoolBody poolBody(String poolId, Integer heartbeatSeconds, Integer pendingTimeout) {
        return new RequestBodies.PoolBody(poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, heartbeatSeconds, pendingTimeout);
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
        HostPoolConfig pool = RequestBodies.pool("pool-a", poolBody(null, null, null));

        assertThat(pool).isEqualTo(new HostPoolConfig(1, "pool-a", PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, 30, 60));
    }

    @Test
    void aPoolTakesGivenIntervalsAndItsOwnIdBack() {
        HostPoolConfig pool = RequestBodies.pool("pool-a", poolBody("pool-a", 1, 86_400));

        assertThat(pool.heartbeatSeconds()).isEqualTo(1);
        assertThat(pool.pendingTimeoutSeconds()).isEqualTo(86_400);
    }

    @Test
    void mismatchedIdsAreRefused() {
        assertInvalid(() -> RequestBodies.pool("p", poolBody("q", null, null)), "differs from the one in the path");
        assertInvalid(() -> RequestBodies.appGroup("ag", new RequestBodies.AppGroupBody("other", "pool-a",
                AppGroupType.DESKTOP, null, null)), "differs from the one in the path");
    }

    @Test
    void anAppGroupIsReadWithDistinctUsersAndGroups() {
        AppGroupConfig group = RequestBodies.appGroup("ag-1", new RequestBodies.AppGroupBody(null, "pool-a",
                AppGroupType.REMOTE_APP, List.of("alice", "bob", "alice"), null));

        assertThat(group).isEqualTo(new AppGroupConfig(1, "ag-1", "pool-a", AppGroupType.REMOTE_APP,
                List.of("alice", "bob"), List.of()));
        assertInvalid(() -> RequestBodies.appGroup("ag", new RequestBodies.AppGroupBody(null, "pool-a",
                AppGroupType.DESKTOP, List.of("  "), null)), "users");
    }

    @Test
    void aHostPatchTellsAbsentFromNull() {
        assertThat(RequestBodies.hostPatch(new RequestBodies.HostPatchBody(false, null), false))
                .isEqualTo(new HostPatch(false, false, null));
        assertThat(RequestBodies.hostPatch(new RequestBodies.HostPatchBody(null, null), true))
                .isEqualTo(new HostPatch(null, true, null));
        assertThat(RequestBodies.hostPatch(new RequestBodies.HostPatchBody(null, "alice"), true))
                .isEqualTo(new HostPatch(null, true, "alice"));
        assertInvalid(() -> RequestBodies.hostPatch(new RequestBodies.HostPatchBody(null, " "), true), "assignedUser");
    }

    @Test
    void aPoolTakesItsLogonCapLoadThresholdsAndSessionLimitsOrTheirDefaults() {
        RequestBodies.PoolBody given = new RequestBodies.PoolBody(null, PoolType.POOLED, LoadBalancer.DEPTH_FIRST, 10,
                PersonalAssignment.AUTOMATIC, false, null, null, 2, new LoadThresholds(80, null), 30, 480, 10);

        HostPoolConfig pool = RequestBodies.pool("pool-a", given);
        HostPoolConfig defaults = RequestBodies.pool("pool-a", poolBody(null, null, null));
        HostPoolConfig noThresholds = RequestBodies.pool("pool-a", new RequestBodies.PoolBody(null, PoolType.POOLED,
                LoadBalancer.DEPTH_FIRST, 10, PersonalAssignment.AUTOMATIC, false, null, null, null,
                new LoadThresholds(null, null), null, null, null));

        assertThat(pool.maxConcurrentLogonsPerHost()).isEqualTo(2);
        assertThat(pool.loadThresholds()).isEqualTo(new LoadThresholds(80, null));
        assertThat(pool.disconnectedTimeoutMinutes()).isEqualTo(30);
        assertThat(pool.maxSessionMinutes()).isEqualTo(480);
        assertThat(pool.limitWarningMinutes()).isEqualTo(10);
        assertThat(defaults.maxConcurrentLogonsPerHost()).isZero();
        assertThat(defaults.loadThresholds()).isNull();
        assertThat(defaults.disconnectedTimeoutMinutes()).isZero();
        assertThat(defaults.maxSessionMinutes()).isZero();
        assertThat(defaults.limitWarningMinutes()).isEqualTo(5);
        assertThat(noThresholds.loadThresholds()).as("thresholds naming nothing are none").isNull();
    }

    @Test
    void hostTagsAreReadInTheirFirstOrderEachOnce() {
        assertThat(RequestBodies.hostPatch(new RequestBodies.HostPatchBody(null, null, List.of("gpu", "b", "gpu")), false))
                .isEqualTo(new HostPatch(null, false, null, List.of("gpu", "b")));
        assertThat(RequestBodies.hostPatch(new RequestBodies.HostPatchBody(null, null, null), false).tags())
                .as("absent leaves them").isNull();
    }
}
