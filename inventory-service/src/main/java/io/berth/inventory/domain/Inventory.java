package io.berth.inventory.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.Health;
import io.berth.common.events.HostHealthEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inventory's whole state: host pools, application groups, registration tokens, registered hosts with
 * their health snapshots, and each host's live sessions.
 *
 * <p>Requests are decided against the current state and return a {@link Decision}: the changes to publish,
 * without applying them. The state moves only through {@link #apply(Change)}, called once Kafka has
 * acknowledged a change, and for every record replayed from the topics at start. So a request that Kafka
 * refuses changes nothing, and the state after a restart is the state before it.
 *
 * <p>Not thread-safe: one owner (the service's event loop) drives it, one request at a time where requests
 * could conflict.
 */
public final class Inventory {

    private final Map<String, HostPoolConfig> pools = new TreeMap<>();
    private final Map<String, AppGroupConfig> appGroups = new TreeMap<>();
    private final Map<String, RegistrationTokenRecord> tokens = new HashMap<>();
    private final Map<String, HostEntry> hosts = new TreeMap<>();
    private final Map<String, String> liveSessionHosts = new HashMap<>();
    private final Map<String, Integer> liveSessionCounts = new HashMap<>();
    /** Read by the metrics scrape on another thread, hence concurrent. */
    private final Map<String, EnumMap<Health, Integer>> hostCounts = new ConcurrentHashMap<>();
    private Instant monitoringSince;

    /** A host as known from its registration on berth.config and its snapshot on berth.host-health. */
    private static final class HostEntry {
        HostRegistration registration;
        HostHealthEvent snapshot;
        /** The last sign of life: heartbeat, registration, or replayed snapshot. In memory only. */
        Instant lastContact;
    }

    // ---------------------------------------------------------------- queries

    public List<PoolView> pools() {
        return pools.values().stream().map(PoolView::of).toList();
    }

    public Optional<HostPoolConfig> pool(String poolId) {
        return Optional.ofNullable(pools.get(poolId));
    }

    public PoolView poolView(String poolId) {
        return PoolView.of(requirePool(poolId));
    }

    public List<AppGroupView> appGroups() {
        return appGroups.values().stream().map(AppGroupView::of).toList();
    }

    public AppGroupView appGroupView(String appGroupId) {
        return AppGroupView.of(requireAppGroup(appGroupId));
    }

    /** The hosts registered in a pool, by host id; 404 for an unknown pool. */
    public List<HostView> hostsOf(String poolId) {
        requirePool(poolId);
        return hostsIn(poolId).stream().map(this::view).toList();
    }

    public Optional<HostView> host(String hostId) {
        HostEntry entry = hosts.get(hostId);
        return entry == null || entry.registration == null ? Optional.empty() : Optional.of(view(entry));
    }

    public Optional<HostRegistration> registration(String hostId) {
        HostEntry entry = hosts.get(hostId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.registration);
    }

    /** Registered hosts of a pool in a given health (the {@code berth_hosts} gauge). */
    public int hostCount(String poolId, Health health) {
        EnumMap<Health, Integer> counts = hostCounts.get(poolId);
        return counts == null ? 0 : counts.getOrDefault(health, 0);
    }

    public int liveSessions(String hostId) {
        return liveSessionCounts.getOrDefault(hostId, 0);
    }

    /**
     * A pool's room for new sessions, counted on the hosts that take them ({@code AVAILABLE} and allowing new
     * sessions): {@code slots} is their {@code maxSessionsPerHost} summed, {@code free} the slots without a live
     * session. In a personal pool each such host is one slot, free while no user is assigned to it.
     */
    public record PoolCapacity(int slots, int free) {
    }

    /** Every pool's capacity, in one pass over the hosts (the {@code berth_pool_slots} gauges). */
    public Map<String, PoolCapacity> capacityByPool() {
        Map<String, int[]> sums = new HashMap<>();
        pools.keySet().forEach(poolId -> sums.put(poolId, new int[2]));
        for (HostEntry entry : hosts.values()) {
            if (entry.registration == null) {
                continue;
            }
            HostHealthEvent snapshot = current(entry);
            HostPoolConfig pool = pools.get(snapshot.poolId());
            if (pool == null || snapshot.health() != Health.AVAILABLE || !snapshot.allowNewSessions()) {
                continue;
            }
            int[] sum = sums.get(pool.poolId());
            if (pool.type() == PoolType.PERSONAL) {
                sum[0] += 1;
                sum[1] += snapshot.assignedUser() == null ? 1 : 0;
            } else {
                sum[0] += pool.maxSessionsPerHost();
                sum[1] += Math.max(0, pool.maxSessionsPerHost() - liveSessions(snapshot.hostId()));
            }
        }
        Map<String, PoolCapacity> capacity = new TreeMap<>();
        sums.forEach((poolId, sum) -> capacity.put(poolId, new PoolCapacity(sum[0], sum[1])));
        return capacity;
    }

    public Optional<RegistrationTokenRecord> registrationToken(String tokenHash) {
        return Optional.ofNullable(tokens.get(tokenHash));
    }

    // ---------------------------------------------------------------- admin decisions

    public Decision<PoolView> putPool(HostPoolConfig pool) {
        HostPoolConfig existing = pools.get(pool.poolId());
        if (existing != null && existing.type() == PoolType.PERSONAL && pool.type() == PoolType.POOLED) {
            List<String> assigned = hostsIn(pool.poolId()).stream()
                    .filter(entry -> current(entry).assignedUser() != null)
                    .map(entry -> entry.registration.hostId()).toList();
            if (!assigned.isEmpty()) {
                throw Rejection.conflict("pool '" + pool.poolId() + "' cannot become POOLED while hosts are assigned"
                        + " to users (" + abbreviate(assigned) + "); unassign them first");
            }
        }
        if (pool.equals(existing)) {
            return Decision.of(PoolView.of(pool));
        }
        return Decision.of(PoolView.of(pool), new Change.PoolSaved(pool));
    }

    /** Deletes an empty pool and the registration tokens issued for it. */
    public Decision<Void> deletePool(String poolId) {
        requirePool(poolId);
        List<String> poolHosts = hostsIn(poolId).stream().map(entry -> entry.registration.hostId()).toList();
        if (!poolHosts.isEmpty()) {
            throw Rejection.conflict("pool '" + poolId + "' still has " + poolHosts.size() + " host(s) ("
                    + abbreviate(poolHosts) + "); remove them first");
        }
        List<String> groups = appGroups.values().stream().filter(group -> group.poolId().equals(poolId))
                .map(AppGroupConfig::appGroupId).toList();
        if (!groups.isEmpty()) {
            throw Rejection.conflict("pool '" + poolId + "' is used by application group(s) " + abbreviate(groups)
                    + "; delete them first");
        }
        List<Change> changes = new ArrayList<>();
        changes.add(new Change.PoolRemoved(poolId));
        tokens.values().stream().filter(token -> token.poolId().equals(poolId))
                .map(token -> new Change.TokenRemoved(token.tokenHash()))
                .forEach(changes::add);
        return new Decision<>(changes, null);
    }

    public Decision<AppGroupView> putAppGroup(AppGroupConfig appGroup) {
        if (!pools.containsKey(appGroup.poolId())) {
            throw Rejection.notFound("host pool '" + appGroup.poolId() + "' does not exist");
        }
        if (appGroup.equals(appGroups.get(appGroup.appGroupId()))) {
            return Decision.of(AppGroupView.of(appGroup));
        }
        return Decision.of(AppGroupView.of(appGroup), new Change.AppGroupSaved(appGroup));
    }

    public Decision<Void> deleteAppGroup(String appGroupId) {
        requireAppGroup(appGroupId);
        return Decision.of(null, new Change.AppGroupRemoved(appGroupId));
    }

    /** Records a new registration token (given, already random) for a pool, by its hash only. */
    public Decision<IssuedToken> createRegistrationToken(String poolId, String token, int ttlSeconds, Instant now) {
        return createRegistrationToken(poolId, token, new RegistrationTokenRequest(ttlSeconds, null), now);
    }

    /** Records a new registration token (given, already random) with an optional host limit. */
    public Decision<IssuedToken> createRegistrationToken(String poolId, String token, RegistrationTokenRequest request,
                                                         Instant now) {
        requirePool(poolId);
        Instant expiresAt = now.truncatedTo(ChronoUnit.MILLIS).plusSeconds(request.ttlSeconds());
        RegistrationTokenRecord record = new RegistrationTokenRecord(RegistrationTokenRecord.CURRENT_VERSION, poolId,
                RegistrationTokens.hash(token), expiresAt, request.maxHosts());
        return Decision.of(new IssuedToken(token, expiresAt, request.maxHosts()), new Change.TokenSaved(record));
    }

    public Decision<HostView> patchHost(String hostId, HostPatch patch) {
        HostEntry entry = requireHost(hostId);
        HostHealthEvent current = current(entry);
        boolean allowNewSessions = patch.allowNewSessions() == null
                ? current.allowNewSessions() : patch.allowNewSessions();
        String assignedUser = current.assignedUser();
        if (patch.changesAssignment()) {
            HostPoolConfig pool = requirePool(entry.registration.poolId());
            if (pool.type() != PoolType.PERSONAL) {
                throw Rejection.conflict("host '" + hostId + "' is in POOLED pool '" + pool.poolId()
                        + "'; only hosts of PERSONAL pools are assigned to users");
            }
            assignedUser = patch.assignedUser();
            if (assignedUser != null) {
                Optional<String> other = hostOfUser(pool.poolId(), assignedUser).filter(id -> !id.equals(hostId));
                if (other.isPresent()) {
                    throw Rejection.conflict("user '" + assignedUser + "' already has host '" + other.get()
                            + "' in pool '" + pool.poolId() + "'; unassign it first");
                }
            }
        }
        HostHealthEvent next = new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, hostId, current.poolId(),
                current.health(), allowNewSessions, assignedUser, current.sessionIds(), current.lastHeartbeat(),
                current.healthChecks());
        if (next.equals(current) && isPublished(entry)) {
            return Decision.of(view(entry));
        }
        return Decision.of(view(entry, next), new Change.HealthSaved(next));
    }

    /** Removes a host: its registration (revoking its agent token) and its health snapshot. */
    public Decision<Void> removeHost(String hostId) {
        requireHost(hostId);
        return Decision.of(null, new Change.HostUnregistered(hostId), new Change.HealthRemoved(hostId));
    }

    // ---------------------------------------------------------------- agent decisions

    /** Registers a new host with a registration token; as {@link #register(AgentRegistration, Optional, String, Instant)} without an agent token. */
    public Decision<RegisteredHost> register(AgentRegistration request, String agentTokenId, Instant now) {
        return register(request, Optional.empty(), agentTokenId, now);
    }

    /**
     * Registers a host with a registration token (DESIGN.md 7.8). A token registers new hosts into its own
     * pool, one use each while it has uses left. A host id already registered is taken only by the host's
     * own agent: the request must carry its current agent token ({@code presented}) and a token of the
     * host's pool; it then keeps drain mode, assignment and health, and counts no use. Anyone else gets a
     * conflict, until an admin removes the host. So no registration token can take another pool's host.
     */
    public Decision<RegisteredHost> register(AgentRegistration request, Optional<AgentCredential> presented,
                                             String agentTokenId, Instant now) {
        RegistrationTokenRecord token = tokens.get(RegistrationTokens.hash(request.registrationToken()));
        if (token == null || token.isExpiredAt(now) || !pools.containsKey(token.poolId())) {
            throw Rejection.unauthenticated("the registration token is unknown or has expired");
        }
        HostPoolConfig pool = pools.get(token.poolId());
        String hostId = Identifiers.hostId(request.hostName());
        HostRegistration registration = new HostRegistration(HostRegistration.CURRENT_VERSION, hostId,
                pool.poolId(), now, agentTokenId);
        RegisteredHost answer = new RegisteredHost(hostId, pool.poolId(), agentTokenId, pool.heartbeatSeconds());
        HostEntry existing = hosts.get(hostId);
        if (existing != null && existing.registration != null) {
            requireOwnAgent(existing.registration, pool.poolId(), presented);
            if (isPublished(existing)) {
                return Decision.of(answer, new Change.HostRegistered(registration));
            }
            return Decision.of(answer, new Change.HostRegistered(registration), new Change.HealthSaved(
                    freshSnapshot(hostId, pool.poolId(), existing)));
        }
        if (token.isSpent()) {
            throw Rejection.unauthenticated("the registration token has no uses left (its maxHosts hosts are registered)");
        }
        List<Change> changes = new ArrayList<>(List.of(new Change.HostRegistered(registration),
                new Change.HealthSaved(freshSnapshot(hostId, pool.poolId(), existing))));
        if (token.usesLeft() != null) {
            changes.add(new Change.TokenSaved(token.usedOnce()));
        }
        return new Decision<>(changes, answer);
    }

    private static void requireOwnAgent(HostRegistration current, String poolId, Optional<AgentCredential> presented) {
        String hostId = current.hostId();
        String remedy = "; only its own agent registers it again (with its current agent token as the bearer token and"
                + " a registration token of its pool), or an admin removes the host first";
        if (presented.isEmpty()) {
            throw Rejection.conflict("host '" + hostId + "' is already registered" + remedy);
        }
        AgentCredential credential = presented.get();
        if (!credential.hostId().equals(hostId) || !Objects.equals(credential.tokenId(), current.agentTokenId())) {
            throw Rejection.conflict("host '" + hostId + "' is already registered and the bearer token is not its"
                    + " current agent token" + remedy);
        }
        if (!current.poolId().equals(poolId)) {
            throw Rejection.conflict("host '" + hostId + "' is registered in another pool than this registration"
                    + " token's" + remedy);
        }
    }

    /** The first snapshot of a host in a pool: it keeps only the time of its last heartbeat, if any. */
    private static HostHealthEvent freshSnapshot(String hostId, String poolId, HostEntry existing) {
        Instant lastHeartbeat = existing == null || existing.snapshot == null ? null : existing.snapshot.lastHeartbeat();
        return new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, hostId, poolId,
                HostHealthMachine.registered(), true, null, List.of(), lastHeartbeat, List.of());
    }

    /**
     * Accepts a heartbeat from the agent whose token has subject {@code subject} and id {@code tokenId}. A
     * snapshot is published when anything in it changed, or when the published one is one interval old;
     * otherwise the heartbeat only counts as contact.
     *
     * @return the decision, answering the interval to the next heartbeat
     */
    public Decision<Integer> heartbeat(String subject, String tokenId, Heartbeat heartbeat, Instant now) {
        if (!heartbeat.hostId().equals(subject)) {
            throw Rejection.forbidden("this agent token belongs to host '" + subject + "' and cannot speak for host '"
                    + heartbeat.hostId() + "'");
        }
        HostEntry entry = hosts.get(heartbeat.hostId());
        if (entry == null || entry.registration == null) {
            throw Rejection.unauthenticated("host '" + heartbeat.hostId() + "' is not registered; register again");
        }
        if (!Objects.equals(entry.registration.agentTokenId(), tokenId)) {
            throw Rejection.unauthenticated("this agent token was replaced by a newer registration of host '"
                    + heartbeat.hostId() + "'");
        }
        int interval = heartbeatSeconds(entry.registration.poolId());
        HostHealthEvent current = current(entry);
        HostHealthEvent next = new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, current.hostId(),
                current.poolId(), HostHealthMachine.onHeartbeat(heartbeat.status(), heartbeat.healthChecks()),
                current.allowNewSessions(), current.assignedUser(),
                heartbeat.sessionIds().stream().sorted().distinct().toList(), now, heartbeat.healthChecks());
        Change contact = new Change.HeartbeatReceived(current.hostId(), now);
        boolean changed = !isPublished(entry) || !sameApartFromHeartbeatTime(current, next);
        boolean due = current.lastHeartbeat() == null
                || !now.isBefore(current.lastHeartbeat().plusSeconds(interval));
        if (changed || due) {
            return Decision.of(interval, new Change.HealthSaved(next), contact);
        }
        return Decision.of(interval, contact);
    }

    // ---------------------------------------------------------------- timer and other topics

    /**
     * Starts staleness checks. Silence is counted from {@code now} at the latest, so hosts are not declared
     * lost for heartbeats they sent while this service was down.
     */
    public void startMonitoring(Instant now) {
        monitoringSince = now;
    }

    /**
     * What the clock changes at {@code now}: hosts silent for three intervals become {@code NO_HEARTBEAT}, and
     * expired registration tokens are removed from the topic.
     */
    public List<Change> onClock(Instant now) {
        List<Change> changes = new ArrayList<>();
        if (monitoringSince == null) {
            return changes;
        }
        for (HostEntry entry : hosts.values()) {
            if (entry.registration == null) {
                continue;
            }
            HostHealthEvent current = current(entry);
            Instant lastContact = entry.lastContact == null || entry.lastContact.isBefore(monitoringSince)
                    ? monitoringSince : entry.lastContact;
            Health health = HostHealthMachine.onClock(current.health(), lastContact, now,
                    heartbeatSeconds(entry.registration.poolId()));
            if (health != current.health()) {
                changes.add(new Change.HealthSaved(withHealth(current, health)));
            }
        }
        tokens.values().stream().filter(token -> token.isExpiredAt(now))
                .map(token -> new Change.TokenRemoved(token.tokenHash()))
                .forEach(changes::add);
        return changes;
    }

    /**
     * A broker allocation. In a {@code PERSONAL}/{@code AUTOMATIC} pool the first allocation of an unassigned
     * host assigns it to the user; anything else changes nothing.
     */
    public List<Change> onAllocation(AllocationEvent allocation) {
        HostPoolConfig pool = pools.get(allocation.poolId());
        if (pool == null || pool.type() != PoolType.PERSONAL
                || pool.personalAssignment() != PersonalAssignment.AUTOMATIC || allocation.userId() == null) {
            return List.of();
        }
        HostEntry entry = hosts.get(allocation.hostId());
        if (entry == null || entry.registration == null || !entry.registration.poolId().equals(pool.poolId())) {
            return List.of();
        }
        HostHealthEvent current = current(entry);
        if (current.assignedUser() != null || hostOfUser(pool.poolId(), allocation.userId()).isPresent()) {
            return List.of();
        }
        return List.of(new Change.HealthSaved(new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, current.hostId(),
                current.poolId(), current.health(), current.allowNewSessions(), allocation.userId(),
                current.sessionIds(), current.lastHeartbeat(), current.healthChecks())));
    }

    /** A session's state from berth.sessions: live sessions count on their host, ended ones do not. */
    public void onSession(SessionEvent session) {
        if (session.state() != null && session.state().isLive() && session.hostId() != null) {
            String previous = liveSessionHosts.put(session.sessionId(), session.hostId());
            if (!session.hostId().equals(previous)) {
                countSession(previous, -1);
                countSession(session.hostId(), 1);
            }
        } else {
            onSessionRemoved(session.sessionId());
        }
    }

    /** A tombstone on berth.sessions. */
    public void onSessionRemoved(String sessionId) {
        countSession(liveSessionHosts.remove(sessionId), -1);
    }

    // ---------------------------------------------------------------- applying changes

    public void apply(List<? extends Change> changes) {
        changes.forEach(this::apply);
    }

    public void apply(Change change) {
        // Java 17: no pattern matching for switch yet, so an instanceof chain over the sealed type.
        if (change instanceof Change.PoolSaved saved) {
            pools.put(saved.pool().poolId(), saved.pool());
        } else if (change instanceof Change.PoolRemoved removed) {
            pools.remove(removed.poolId());
        } else if (change instanceof Change.AppGroupSaved saved) {
            appGroups.put(saved.appGroup().appGroupId(), saved.appGroup());
        } else if (change instanceof Change.AppGroupRemoved removed) {
            appGroups.remove(removed.appGroupId());
        } else if (change instanceof Change.TokenSaved saved) {
            tokens.put(saved.token().tokenHash(), saved.token());
        } else if (change instanceof Change.TokenRemoved removed) {
            tokens.remove(removed.tokenHash());
        } else if (change instanceof Change.HostRegistered registered) {
            HostRegistration registration = registered.registration();
            updateHost(registration.hostId(), entry -> {
                entry.registration = registration;
                entry.lastContact = latest(entry.lastContact, registration.registeredAt());
            });
        } else if (change instanceof Change.HostUnregistered removed) {
            updateHost(removed.hostId(), entry -> entry.registration = null);
        } else if (change instanceof Change.HealthSaved saved) {
            HostHealthEvent snapshot = saved.snapshot();
            updateHost(snapshot.hostId(), entry -> {
                entry.snapshot = snapshot;
                entry.lastContact = latest(entry.lastContact, snapshot.lastHeartbeat());
            });
        } else if (change instanceof Change.HealthRemoved removed) {
            updateHost(removed.hostId(), entry -> entry.snapshot = null);
        } else if (change instanceof Change.HeartbeatReceived received) {
            updateHost(received.hostId(), entry -> entry.lastContact = latest(entry.lastContact, received.at()));
        } else {
            throw new IllegalArgumentException("unknown change " + change);
        }
    }

    // ---------------------------------------------------------------- internals

    private interface HostUpdate {
        void update(HostEntry entry);
    }

    /** Applies an update to a host entry, keeping the per-pool health counts in step. */
    private void updateHost(String hostId, HostUpdate update) {
        HostEntry entry = hosts.computeIfAbsent(hostId, id -> new HostEntry());
        countHost(entry, -1);
        update.update(entry);
        countHost(entry, 1);
        if (entry.registration == null && entry.snapshot == null) {
            hosts.remove(hostId);
        }
    }

    private void countHost(HostEntry entry, int delta) {
        if (entry.registration == null) {
            return;
        }
        hostCounts.computeIfAbsent(entry.registration.poolId(), id -> new EnumMap<>(Health.class))
                .merge(current(entry).health(), delta, Integer::sum);
    }

    private void countSession(String hostId, int delta) {
        if (hostId != null) {
            liveSessionCounts.merge(hostId, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /** The snapshot of a registered host: the published one, or a fresh one for a host new to its pool. */
    private HostHealthEvent current(HostEntry entry) {
        if (isPublished(entry)) {
            return entry.snapshot;
        }
        HostRegistration registration = entry.registration;
        return new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, registration.hostId(), registration.poolId(),
                HostHealthMachine.registered(), true, null, List.of(),
                entry.snapshot == null ? null : entry.snapshot.lastHeartbeat(), List.of());
    }

    /** Whether the host's snapshot on berth.host-health belongs to its current registration's pool. */
    private static boolean isPublished(HostEntry entry) {
        return entry.snapshot != null && entry.registration != null
                && entry.snapshot.poolId().equals(entry.registration.poolId());
    }

    private static boolean sameApartFromHeartbeatTime(HostHealthEvent a, HostHealthEvent b) {
        return a.health() == b.health() && a.allowNewSessions() == b.allowNewSessions()
                && Objects.equals(a.assignedUser(), b.assignedUser()) && a.sessionIds().equals(b.sessionIds())
                && a.healthChecks().equals(b.healthChecks()) && a.poolId().equals(b.poolId());
    }

    private static HostHealthEvent withHealth(HostHealthEvent snapshot, Health health) {
        return new HostHealthEvent(HostHealthEvent.CURRENT_VERSION, snapshot.hostId(), snapshot.poolId(), health,
                snapshot.allowNewSessions(), snapshot.assignedUser(), snapshot.sessionIds(), snapshot.lastHeartbeat(),
                snapshot.healthChecks());
    }

    private HostView view(HostEntry entry) {
        return view(entry, current(entry));
    }

    private HostView view(HostEntry entry, HostHealthEvent snapshot) {
        HostPoolConfig pool = pools.get(snapshot.poolId());
        return new HostView(snapshot.hostId(), snapshot.poolId(), snapshot.health(), snapshot.allowNewSessions(),
                snapshot.assignedUser(), liveSessions(snapshot.hostId()),
                pool == null ? 0 : pool.maxSessionsPerHost(), snapshot.lastHeartbeat());
    }

    private List<HostEntry> hostsIn(String poolId) {
        return hosts.values().stream()
                .filter(entry -> entry.registration != null && entry.registration.poolId().equals(poolId))
                .toList();
    }

    private Optional<String> hostOfUser(String poolId, String userId) {
        return hostsIn(poolId).stream().map(this::current).filter(snapshot -> userId.equals(snapshot.assignedUser()))
                .map(HostHealthEvent::hostId).findFirst();
    }

    private int heartbeatSeconds(String poolId) {
        HostPoolConfig pool = pools.get(poolId);
        return pool == null ? HostPoolConfig.DEFAULT_HEARTBEAT_SECONDS : pool.heartbeatSeconds();
    }

    private HostPoolConfig requirePool(String poolId) {
        HostPoolConfig pool = pools.get(poolId);
        if (pool == null) {
            throw Rejection.notFound("host pool '" + poolId + "' does not exist");
        }
        return pool;
    }

    private AppGroupConfig requireAppGroup(String appGroupId) {
        AppGroupConfig group = appGroups.get(appGroupId);
        if (group == null) {
            throw Rejection.notFound("application group '" + appGroupId + "' does not exist");
        }
        return group;
    }

    private HostEntry requireHost(String hostId) {
        HostEntry entry = hosts.get(hostId);
        if (entry == null || entry.registration == null) {
            throw Rejection.notFound("host '" + hostId + "' does not exist");
        }
        return entry;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static String abbreviate(List<String> ids) {
        return ids.size() <= 5 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 5)) + ", ...";
    }
}
