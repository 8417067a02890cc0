package io.berth.inventory.domain;

import io.berth.common.events.AllocationEvent;
import io.berth.common.events.AppGroupConfig;
import io.berth.common.events.Health;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;
import io.berth.common.events.PoolType;
import io.berth.common.events.SessionEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory's whole state, as the one object the service drives: pools and application groups
 * ({@link PoolCatalog}), registered hosts ({@link HostDirectory}), registrations ({@link HostRegistrar}),
 * heartbeats and staleness ({@link HeartbeatMonitor}), drain mode, tags and personal assignments
 * ({@link HostAssignments}), live session counts ({@link SessionCounts}) and the agents' commands
 * ({@link AgentCommands}).
 *
 * <p>Requests are decided against the current state into an {@link InventoryOutcome}: the changes to publish
 * without applying them, or a refusal. The state moves only through {@link #apply(Change)}, called once Kafka
 * has acknowledged a change, and for every record replayed from the topics at start; so the state after a
 * restart is the state before it.
 *
 * <p>Not thread-safe: one owner (the service's event loop) drives it, one request at a time where requests
 * could conflict.
 */
public final class Inventory {

    private final PoolCatalog catalog = new PoolCatalog();
    private final SessionCounts sessions = new SessionCounts();
    private final HostDirectory hosts = new HostDirectory(catalog, sessions);
    private final HostAssignments assignments = new HostAssignments(catalog, hosts);
    private final HostRegistrar registrar = new HostRegistrar(catalog, hosts);
    private final HeartbeatMonitor heartbeats = new HeartbeatMonitor(catalog, hosts);
    private final ScalingPlans scalingPlans = new ScalingPlans(catalog, hosts, assignments);
    private final ScalingRound scalingRound = new ScalingRound(catalog, hosts, sessions, assignments, scalingPlans);
    private final AgentCommands commands = new AgentCommands();

    // ---------------------------------------------------------------- queries

    public List<PoolView> pools() {
        return catalog.pools().stream().map(PoolView::of).toList();
    }

    public Optional<HostPoolConfig> pool(String poolId) {
        return catalog.pool(poolId);
    }

    public InventoryOutcome<PoolView> poolView(String poolId) {
        return catalog.pool(poolId).map(pool -> InventoryOutcome.answer(PoolView.of(pool)))
                .orElseGet(() -> InventoryOutcome.notFound(PoolCatalog.unknownPool(poolId)));
    }

    public List<AppGroupView> appGroups() {
        return catalog.appGroups().stream().map(AppGroupView::of).toList();
    }

    public InventoryOutcome<AppGroupView> appGroupView(String appGroupId) {
        return catalog.appGroup(appGroupId).map(group -> InventoryOutcome.answer(AppGroupView.of(group)))
                .orElseGet(() -> InventoryOutcome.notFound(PoolCatalog.unknownAppGroup(appGroupId)));
    }

    /** The hosts registered in a pool, by host id; not found for an unknown pool. */
    public InventoryOutcome<List<HostView>> hostsOf(String poolId) {
        if (catalog.pool(poolId).isEmpty()) {
            return InventoryOutcome.notFound(PoolCatalog.unknownPool(poolId));
        }
        return InventoryOutcome.answer(hosts.hostsIn(poolId).stream().map(hosts::view).toList());
    }

    public Optional<HostView> host(String hostId) {
        return hosts.registered(hostId).map(hosts::view);
    }

    public InventoryOutcome<HostView> hostView(String hostId) {
        return host(hostId).map(InventoryOutcome::answer)
                .orElseGet(() -> InventoryOutcome.notFound(HostAssignments.unknownHost(hostId)));
    }

    public Optional<HostRegistration> registration(String hostId) {
        return hosts.registered(hostId).map(entry -> entry.registration);
    }

    /** Registered hosts of a pool in a given health (the {@code berth_hosts} gauge); safe from any thread. */
    public int hostCount(String poolId, Health health) {
        return hosts.count(poolId, health);
    }

    public int liveSessions(String hostId) {
        return sessions.liveOn(hostId);
    }

    /** Every pool's capacity, in one pass over the hosts (the {@code berth_pool_slots} gauges). */
    public Map<String, PoolCapacity> capacityByPool() {
        return hosts.capacityByPool();
    }

    public Optional<RegistrationTokenRecord> registrationToken(String tokenHash) {
        return registrar.token(tokenHash);
    }

    /** The scaling plans, their pools' phase records and scaler memories (DESIGN.md 7.3). */
    public ScalingPlans scalingPlans() {
        return scalingPlans;
    }

    /** A pool's scaling evaluation: the decision's facts, and the changes that carry a decision out. */
    public ScalingRound scalingRound() {
        return scalingRound;
    }

    // ---------------------------------------------------------------- admin decisions

    public InventoryOutcome<PoolView> putPool(HostPoolConfig pool) {
        if (pool.type() != PoolType.POOLED && scalingPlans.planOf(pool.poolId()).isPresent()) {
            return InventoryOutcome.conflict(ScalingPlans.inPlan(pool.poolId(), scalingPlans.planOf(pool.poolId()).get()));
        }
        return catalog.putPool(pool, assignments.assignedHostsIn(pool.poolId()));
    }

    /** Deletes an empty pool and the registration tokens issued for it. */
    public InventoryOutcome<Void> deletePool(String poolId) {
        if (scalingPlans.planOf(poolId).isPresent()) {
            return InventoryOutcome.conflict(ScalingPlans.inPlan(poolId, scalingPlans.planOf(poolId).get()));
        }
        List<String> poolHosts = hosts.hostsIn(poolId).stream().map(entry -> entry.registration.hostId()).toList();
        return catalog.deletePool(poolId, poolHosts, registrar.tokenHashesOf(poolId));
    }

    public InventoryOutcome<AppGroupView> putAppGroup(AppGroupConfig appGroup) {
        return catalog.putAppGroup(appGroup);
    }

    public InventoryOutcome<Void> deleteAppGroup(String appGroupId) {
        return catalog.deleteAppGroup(appGroupId);
    }

    /** Records a new registration token (given, already random) for a pool, without a host limit. */
    public InventoryOutcome<IssuedToken> createRegistrationToken(String poolId, String token, int ttlSeconds,
                                                                 Instant now) {
        return createRegistrationToken(poolId, token, new RegistrationTokenRequest(ttlSeconds, null), now);
    }

    /** Records a new registration token (given, already random) with an optional host limit. */
    public InventoryOutcome<IssuedToken> createRegistrationToken(String poolId, String token,
                                                                 RegistrationTokenRequest request, Instant now) {
        return registrar.issue(poolId, token, request, now);
    }

    /** Drain mode and, in personal pools, the assigned user. */
    public InventoryOutcome<HostView> patchHost(String hostId, HostPatch patch) {
        return assignments.patch(hostId, patch);
    }

    /** Removes a host: its registration (revoking its agent token), its health snapshot and its acknowledgements. */
    public InventoryOutcome<Void> removeHost(String hostId) {
        if (hosts.registered(hostId).isEmpty()) {
            return InventoryOutcome.notFound(HostAssignments.unknownHost(hostId));
        }
        if (commands.hasAcknowledgements(hostId)) {
            return Decision.of(null, new Change.HostUnregistered(hostId), new Change.HealthRemoved(hostId),
                    new Change.CommandAcksRemoved(hostId));
        }
        return Decision.of(null, new Change.HostUnregistered(hostId), new Change.HealthRemoved(hostId));
    }

    // ---------------------------------------------------------------- agent decisions

    /** Registers a new host with a registration token, without an agent token. */
    public InventoryOutcome<RegisteredHost> register(AgentRegistration request, String agentTokenId, Instant now) {
        return register(request, Optional.empty(), agentTokenId, now);
    }

    /** Registers a host (DESIGN.md 7.8); {@code presented} is the agent token the request carries, if any. */
    public InventoryOutcome<RegisteredHost> register(AgentRegistration request, Optional<AgentCredential> presented,
                                                     String agentTokenId, Instant now) {
        return registrar.register(request, presented, agentTokenId, now);
    }

    /** A heartbeat; the decision answers the interval to the next one. */
    public InventoryOutcome<Integer> heartbeat(String subject, String tokenId, Heartbeat heartbeat, Instant now) {
        return agentHeartbeat(subject, tokenId, heartbeat, now).map(HeartbeatAnswer::nextHeartbeatSeconds);
    }

    /**
     * A heartbeat (DESIGN.md 7.2): the decision publishes the snapshot when due and the agent's new
     * acknowledgements, and answers the interval to the next heartbeat with the host's commands.
     */
    public InventoryOutcome<HeartbeatAnswer> agentHeartbeat(String subject, String tokenId, Heartbeat heartbeat,
                                                            Instant now) {
        InventoryOutcome<Integer> outcome = heartbeats.heartbeat(subject, tokenId, heartbeat, now);
        if (!(outcome instanceof Decision<Integer> decision)) {
            return outcome.map(interval -> null);
        }
        AgentCommands.Delivery delivery = commands.deliver(heartbeat.hostId(), heartbeat.ackedCommandIds(), now);
        List<Change> changes = new ArrayList<>(decision.changes());
        delivery.acks().ifPresent(acks -> changes.add(new Change.CommandsAcknowledged(acks)));
        return new Decision<>(changes, new HeartbeatAnswer(decision.answer(), delivery.commands()));
    }

    // ---------------------------------------------------------------- timer and other topics

    /**
     * Starts staleness checks. Silence is counted from {@code now} at the latest, so hosts are not declared
     * lost for heartbeats they sent while this service was down.
     */
    public void startMonitoring(Instant now) {
        heartbeats.startMonitoring(now);
    }

    /**
     * What the clock changes at {@code now}: hosts silent for three intervals become {@code NO_HEARTBEAT}, and
     * expired registration tokens are removed from the topic. Nothing before monitoring started.
     */
    public List<Change> onClock(Instant now) {
        if (!heartbeats.isMonitoring()) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>(heartbeats.onClock(now));
        changes.addAll(registrar.onClock(now));
        return changes;
    }

    /** A broker allocation: may assign a host of a personal {@code AUTOMATIC} pool. */
    public List<Change> onAllocation(AllocationEvent allocation) {
        return assignments.onAllocation(allocation);
    }

    /** A command read from {@code berth.host-commands} (writer only): kept for its agent if it is one of theirs. */
    public void onHostCommand(HostCommandEvent command, Instant now) {
        commands.onCommand(command, now);
    }

    /** Forgets the agents' commands that are no longer delivered (10 minutes old). */
    public void expireCommands(Instant now) {
        commands.expire(now);
    }

    /** A session's state from berth.sessions: live sessions count on their host, ended ones do not. */
    public void onSession(SessionEvent session) {
        sessions.onSession(session);
    }

    /** A tombstone on berth.sessions. */
    public void onSessionRemoved(String sessionId) {
        sessions.onSessionRemoved(sessionId);
    }

    // ---------------------------------------------------------------- applying changes

    public void apply(List<? extends Change> changes) {
        changes.forEach(this::apply);
    }

    public void apply(Change change) {
        if (change instanceof Change.CommandsAcknowledged acknowledged) {
            commands.apply(acknowledged.acks());
        } else if (change instanceof Change.CommandAcksRemoved removed) {
            commands.forget(removed.hostId());
        } else if (!catalog.apply(change) && !registrar.apply(change) && !hosts.apply(change)
                && !scalingPlans.apply(change)) {
            throw new IllegalArgumentException("unknown change " + change);
        }
    }
}
