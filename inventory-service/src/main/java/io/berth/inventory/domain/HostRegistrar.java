package io.berth.inventory.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.HostRegistration;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Registration tokens (by their hashes) and who may register which host with them (DESIGN.md 7.8). A token
 * registers new hosts into its own pool, one use each while it has uses left. A host id already registered
 * is taken only by the host's own agent: the request must carry its current agent token and a token of the
 * host's pool; it then keeps drain mode, assignment and health, and counts no use. Anyone else gets a
 * conflict until an admin removes the host, so no registration token can take another pool's host.
 */
final class HostRegistrar {

    private final Map<String, RegistrationTokenRecord> tokens = new HashMap<>();
    private final PoolCatalog catalog;
    private final HostDirectory hosts;

    HostRegistrar(PoolCatalog catalog, HostDirectory hosts) {
        this.catalog = catalog;
        this.hosts = hosts;
    }

    Optional<RegistrationTokenRecord> token(String tokenHash) {
        return Optional.ofNullable(tokens.get(tokenHash));
    }

    List<String> tokenHashesOf(String poolId) {
        return tokens.values().stream().filter(token -> token.poolId().equals(poolId))
                .map(RegistrationTokenRecord::tokenHash).toList();
    }

    /** Records a new registration token (given, already random) for a pool, by its hash only. */
    InventoryOutcome<IssuedToken> issue(String poolId, String token, RegistrationTokenRequest request, Instant now) {
        if (catalog.pool(poolId).isEmpty()) {
            return InventoryOutcome.notFound(PoolCatalog.unknownPool(poolId));
        }
        Instant expiresAt = now.truncatedTo(ChronoUnit.MILLIS).plusSeconds(request.ttlSeconds());
        RegistrationTokenRecord record = new RegistrationTokenRecord(RegistrationTokenRecord.CURRENT_VERSION, poolId,
                RegistrationTokens.hash(token), expiresAt, request.maxHosts());
        return Decision.of(new IssuedToken(token, expiresAt, request.maxHosts()), new Change.TokenSaved(record));
    }

    InventoryOutcome<RegisteredHost> register(AgentRegistration request, Optional<AgentCredential> presented,
                                             String agentTokenId, Instant now) {
        RegistrationTokenRecord token = tokens.get(RegistrationTokens.hash(request.registrationToken()));
        HostPoolConfig pool = token == null || token.isExpiredAt(now) ? null : catalog.pool(token.poolId()).orElse(null);
        if (pool == null) {
            return InventoryOutcome.unauthenticated("the registration token is unknown or has expired");
        }
        Optional<String> validHostId = Identifiers.hostId(request.hostName());
        if (validHostId.isEmpty()) {
            return InventoryOutcome.invalid(Identifiers.invalidHostName(request.hostName()));
        }
        String hostId = validHostId.get();
        HostRegistration registration = new HostRegistration(HostRegistration.CURRENT_VERSION, hostId,
                pool.poolId(), now, agentTokenId);
        RegisteredHost answer = new RegisteredHost(hostId, pool.poolId(), agentTokenId, pool.heartbeatSeconds());
        HostDirectory.HostEntry existing = hosts.entry(hostId).orElse(null);
        if (existing != null && existing.registration != null) {
            Optional<String> notOwnAgent = notOwnAgent(existing.registration, pool.poolId(), presented);
            if (notOwnAgent.isPresent()) {
                return InventoryOutcome.conflict(notOwnAgent.get());
            }
            if (HostDirectory.isPublished(existing)) {
                return Decision.of(answer, new Change.HostRegistered(registration));
            }
            return Decision.of(answer, new Change.HostRegistered(registration),
                    new Change.HealthSaved(HostDirectory.fresh(hostId, pool.poolId(), existing)));
        }
        if (token.isSpent()) {
            return InventoryOutcome.unauthenticated(
                    "the registration token has no uses left (its maxHosts hosts are registered)");
        }
        List<Change> changes = new ArrayList<>(List.of(new Change.HostRegistered(registration),
                new Change.HealthSaved(HostDirectory.fresh(hostId, pool.poolId(), existing))));
        if (token.usesLeft() != null) {
            changes.add(new Change.TokenSaved(token.usedOnce()));
        }
        return new Decision<>(changes, answer);
    }

    /** Why the presented credential does not make the caller the registered host's own agent, if it does not. */
    private static Optional<String> notOwnAgent(HostRegistration current, String poolId,
                                                Optional<AgentCredential> presented) {
        String hostId = current.hostId();
        String remedy = "; only its own agent registers it again (with its current agent token as the bearer token and"
                + " a registration token of its pool), or an admin removes the host first";
        if (presented.isEmpty()) {
            return Optional.of("host '" + hostId + "' is already registered" + remedy);
        }
        AgentCredential credential = presented.get();
        if (!credential.hostId().equals(hostId) || !Objects.equals(credential.tokenId(), current.agentTokenId())) {
            return Optional.of("host '" + hostId + "' is already registered and the bearer token is not its"
                    + " current agent token" + remedy);
        }
        if (!current.poolId().equals(poolId)) {
            return Optional.of("host '" + hostId + "' is registered in another pool than this registration"
                    + " token's" + remedy);
        }
        return Optional.empty();
    }

    /** The expired tokens, to be removed from the topic. */
    List<Change> onClock(Instant now) {
        return tokens.values().stream().filter(token -> token.isExpiredAt(now))
                .map(token -> (Change) new Change.TokenRemoved(token.tokenHash())).toList();
    }

    /** Applies a token change; false for a change of anything else. */
    boolean apply(Change change) {
        if (change instanceof Change.TokenSaved saved) {
            tokens.put(saved.token().tokenHash(), saved.token());
        } else if (change instanceof Change.TokenRemoved removed) {
            tokens.remove(removed.tokenHash());
        } else {
            return false;
        }
        return true;
    }
}
