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
import io.berth.common.ids.UserIds;
import io.berth.inventory.domain.AgentRegistration;
import io.berth.inventory.domain.Heartbeat;
import io.berth.inventory.domain.HostPatch;
import io.berth.inventory.domain.Identifiers;
import io.berth.inventory.domain.RegistrationTokenRequest;

import java.util.List;
import java.util.Set;

/**
 * Validates the inventory's request bodies (DESIGN.md section 4) and turns them into domain values. Admin
 * bodies refuse unknown fields; agent bodies ignore them, so a newer agent keeps working.
 * Input is a parsed JSON value (maps, lists, strings, numbers, booleans); every mistake is a
 * 400 {@link ProblemException} naming the field. Cross-object rules (the pool exists, one host per user) are
 * the domain's.
 */
public final class RequestBodies {

    public static final int MAX_SESSIONS_PER_HOST = 10_000;
    public static final int MAX_HEARTBEAT_SECONDS = 3_600;
    public static final int MAX_PENDING_TIMEOUT_SECONDS = 86_400;
    /** A registration token lives at most one year. */
    public static final int MAX_TOKEN_TTL_SECONDS = 366 * 24 * 3_600;
    public static final int MAX_HOSTS_PER_TOKEN = 100_000;

    private static final Set<String> POOL_FIELDS = Set.of("poolId", "type", "loadBalancer", "maxSessionsPerHost",
            "personalAssignment", "startVmOnConnect", "heartbeatSeconds", "pendingTimeoutSeconds");
    private static final Set<String> APP_GROUP_FIELDS = Set.of("appGroupId", "poolId", "type", "users", "groups");
    private static final Set<String> HOST_PATCH_FIELDS = Set.of("allowNewSessions", "assignedUser");
    private static final Set<String> TOKEN_FIELDS = Set.of("ttlSeconds", "maxHosts");

    private RequestBodies() {
    }

    /**
     * The body of {@code PUT /hostpools/{poolId}}. A {@code poolId} in the body (a GET answer sent back) must
     * match the path.
     */
    public static HostPoolConfig pool(String poolId, Object body) {
        objectId("poolId", poolId);
        JsonFields fields = JsonFields.of("host pool", body, POOL_FIELDS);
        requireSameId(fields, "poolId", poolId);
        return new HostPoolConfig(HostPoolConfig.CURRENT_VERSION, poolId,
                fields.requiredEnum("type", PoolType.class),
                fields.requiredEnum("loadBalancer", LoadBalancer.class),
                fields.requiredInt("maxSessionsPerHost", 1, MAX_SESSIONS_PER_HOST),
                fields.requiredEnum("personalAssignment", PersonalAssignment.class),
                fields.requiredBoolean("startVmOnConnect"),
                fields.optionalInt("heartbeatSeconds", HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS, 1,
                        MAX_HEARTBEAT_SECONDS),
                fields.optionalInt("pendingTimeoutSeconds", HostPoolConfig.DEFAULT_PENDING_TIMEOUT_SECONDS, 1,
                        MAX_PENDING_TIMEOUT_SECONDS));
    }

    /** The body of {@code PUT /appgroups/{appGroupId}}. */
    public static AppGroupConfig appGroup(String appGroupId, Object body) {
        objectId("appGroupId", appGroupId);
        JsonFields fields = JsonFields.of("application group", body, APP_GROUP_FIELDS);
        requireSameId(fields, "appGroupId", appGroupId);
        String poolId = objectId("poolId", fields.requiredString("poolId"));
        AppGroupType type = fields.requiredEnum("type", AppGroupType.class);
        List<String> users = fields.stringList("users");
        users.forEach(user -> userId("users", user));
        List<String> groups = fields.stringList("groups");
        groups.forEach(group -> userId("groups", group));
        return new AppGroupConfig(AppGroupConfig.CURRENT_VERSION, appGroupId, poolId, type, users, groups);
    }

    /** The body of {@code PATCH /hosts/{hostId}}: either field may be absent; {@code assignedUser} may be null. */
    public static HostPatch hostPatch(Object body) {
        JsonFields fields = JsonFields.of("host change", body, HOST_PATCH_FIELDS);
        Boolean allowNewSessions = fields.has("allowNewSessions") ? fields.requiredBoolean("allowNewSessions") : null;
        boolean changesAssignment = fields.has("assignedUser");
        String assignedUser = fields.optionalString("assignedUser");
        if (assignedUser != null) {
            userId("assignedUser", assignedUser);
        }
        return new HostPatch(allowNewSessions, changesAssignment, assignedUser);
    }

    /** The body of {@code POST /hostpools/{poolId}/registration-tokens}: how long the token is valid. */
    public static int registrationTokenTtlSeconds(Object body) {
        return registrationToken(body).ttlSeconds();
    }

    /** The body of {@code POST /hostpools/{poolId}/registration-tokens}: lifetime and optional host limit. */
    public static RegistrationTokenRequest registrationToken(Object body) {
        JsonFields fields = JsonFields.of("registration token request", body, TOKEN_FIELDS);
        int ttlSeconds = fields.requiredInt("ttlSeconds", 1, MAX_TOKEN_TTL_SECONDS);
        Integer maxHosts = fields.has("maxHosts") ? fields.requiredInt("maxHosts", 1, MAX_HOSTS_PER_TOKEN) : null;
        return new RegistrationTokenRequest(ttlSeconds, maxHosts);
    }

    /** The body of {@code POST /agent/register}. */
    public static AgentRegistration agentRegistration(Object body) {
        JsonFields fields = JsonFields.tolerant("registration", body);
        String token = fields.requiredString("registrationToken");
        String hostName = fields.requiredString("hostName");
        if (Identifiers.hostId(hostName).isEmpty()) {
            throw ProblemException.badRequest(Identifiers.invalidHostName(hostName));
        }
        return new AgentRegistration(token, hostName);
    }

    /** The body of {@code POST /agent/heartbeat}. */
    public static Heartbeat heartbeat(Object body) {
        JsonFields fields = JsonFields.tolerant("heartbeat", body);
        String hostId = fields.requiredString("hostId");
        AgentStatus status = fields.requiredEnum("status", AgentStatus.class);
        List<String> sessionIds = fields.stringList("sessionIds");
        List<HealthCheck> healthChecks = fields.objectList("healthChecks", RequestBodies::healthCheck);
        return new Heartbeat(hostId, status, sessionIds, healthChecks);
    }

    private static HealthCheck healthCheck(Object body) {
        JsonFields fields = JsonFields.tolerant("health check", body);
        return new HealthCheck(fields.requiredString("name"), fields.requiredBoolean("ok"),
                fields.optionalText("detail"));
    }

    private static void requireSameId(JsonFields fields, String field, String pathId) {
        if (fields.has(field)) {
            String bodyId = fields.requiredString(field);
            if (!bodyId.equals(pathId)) {
                throw ProblemException.badRequest(field + " in the body ('" + bodyId + "') differs from the one in the path ('"
                        + pathId + "')");
            }
        }
    }

    private static String objectId(String kind, String id) {
        Identifiers.objectIdViolation(kind, id).ifPresent(violation -> {
            throw ProblemException.badRequest(violation);
        });
        return id;
    }

    private static String userId(String field, String id) {
        UserIds.violation(field, id).ifPresent(violation -> {
            throw ProblemException.badRequest(violation);
        });
        return id;
    }
}
