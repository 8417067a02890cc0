package io.berth.inventory.api;

import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.AppGroupType;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.LoadThresholds;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.http.ProblemException;
import io.berth.common.ids.UserIds;
import io.berth.inventory.domain.HostPatch;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The inventory's admin request bodies (DESIGN.md section 4) as {@code RequestBody.read} decodes them, and how
 * they become domain values. Types, ranges, required and unknown fields are the OpenAPI document's
 * ({@code openapi/inventory-service.yaml}), checked before a handler runs; what is left here is what a
 * schema cannot say: an id in the body equals the path's, defaults, duplicates dropped (ids, tags). Cross-object rules
 * (the pool exists, one host per user) are the domain's.
 */
final class RequestBodies {

    private RequestBodies() {
    }

    /** The body of {@code PUT /hostpools/{poolId}}; {@code poolId} is optional (a GET answer sent back). */
    record PoolBody(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                    PersonalAssignment personalAssignment, boolean startVmOnConnect, Integer heartbeatSeconds,
                    Integer pendingTimeoutSeconds, Integer maxConcurrentLogonsPerHost, LoadThresholds loadThresholds,
                    Integer disconnectedTimeoutMinutes, Integer maxSessionMinutes, Integer limitWarningMinutes) {

        /** A body without the logon cap, load thresholds and session limits (DESIGN.md section 4 only). */
        PoolBody(String poolId, PoolType type, LoadBalancer loadBalancer, int maxSessionsPerHost,
                 PersonalAssignment personalAssignment, boolean startVmOnConnect, Integer heartbeatSeconds,
                 Integer pendingTimeoutSeconds) {
            this(poolId, type, loadBalancer, maxSessionsPerHost, personalAssignment, startVmOnConnect, heartbeatSeconds,
                    pendingTimeoutSeconds, null, null, null, null, null);
        }
    }

    /** The body of {@code PUT /appgroups/{appGroupId}}; absent lists are empty. */
    record AppGroupBody(String appGroupId, String poolId, AppGroupType type, List<String> users, List<String> groups) {
    }

    /** The body of {@code PATCH /hosts/{hostId}}; whether {@code assignedUser} was given at all is told apart. */
    record HostPatchBody(Boolean allowNewSessions, String assignedUser, List<String> tags) {

        HostPatchBody(Boolean allowNewSessions, String assignedUser) {
            this(allowNewSessions, assignedUser, null);
        }
    }

    static HostPoolConfig pool(String poolId, PoolBody body) {
        requireSameId("poolId", body.poolId(), poolId);
        return new HostPoolConfig(HostPoolConfig.CURRENT_VERSION, poolId, body.type(), body.loadBalancer(),
                body.maxSessionsPerHost(), body.personalAssignment(), body.startVmOnConnect(),
                orDefault(body.heartbeatSeconds(), HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS),
                orDefault(body.pendingTimeoutSeconds(), HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS),
                orDefault(body.maxConcurrentLogonsPerHost(), 0), thresholds(body.loadThresholds()),
                orDefault(body.disconnectedTimeoutMinutes(), 0), orDefault(body.maxSessionMinutes(), 0),
                orDefault(body.limitWarningMinutes(), HostPoolConfig.DEFAULT_LIMIT_WARNING_MINUTES));
    }

    private static int orDefault(Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }

    /** Thresholds naming neither resource use none: stored as absent, as the pool answers them. */
    private static LoadThresholds thresholds(LoadThresholds given) {
        return given == null || given.cpuPct() == null && given.memoryPct() == null ? null : given;
    }

    static AppGroupConfig appGroup(String appGroupId, AppGroupBody body) {
        requireSameId("appGroupId", body.appGroupId(), appGroupId);
        return new AppGroupConfig(AppGroupConfig.CURRENT_VERSION, appGroupId, body.poolId(), body.type(),
                distinctIds("users", body.users()), distinctIds("groups", body.groups()));
    }

    /** @param assignmentGiven whether the body names {@code assignedUser} (null then unassigns) */
    static HostPatch hostPatch(HostPatchBody body, boolean assignmentGiven) {
        if (body.assignedUser() != null) {
            requireUserId("assignedUser", body.assignedUser());
        }
        List<String> tags = body.tags() == null ? null : List.copyOf(new LinkedHashSet<>(body.tags()));
        return new HostPatch(body.allowNewSessions(), assignmentGiven, body.assignedUser(), tags);
    }

    /** User or group ids in their first order, each once; Berth's one rule for them ({@link UserIds}) holds. */
    private static List<String> distinctIds(String field, List<String> ids) {
        if (ids == null) {
            return List.of();
        }
        ids.forEach(id -> requireUserId(field, id));
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    private static void requireUserId(String field, String id) {
        UserIds.violation(field, id).ifPresent(violation -> {
            throw ProblemException.badRequest(violation);
        });
    }

    static void requireSameId(String field, String bodyId, String pathId) {
        if (bodyId != null && !bodyId.equals(pathId)) {
            throw ProblemException.badRequest(field + " in the body ('" + bodyId + "') differs from the one in the path ('"
                    + pathId + "')");
        }
    }
}
