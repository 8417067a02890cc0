package io.berth.inventory.domain;

import io.berth.common.events.HostPoolConfig;
import io.berth.common.events.LoadBalancer;
import io.berth.common.events.PersonalAssignment;
import io.berth.common.events.PoolType;
import io.berth.inventory.domain.InventoryOutcome.Refusal;
import io.berth.inventory.domain.InventoryOutcome.Refused;
import io.berth.inventory.kafka.TopicRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may register which host (DESIGN.md 7.8): no registration token takes a host that is registered. */
class RegistrationRulesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Inventory inventory = new Inventory();
    private final RegistrationTokens tokens = new RegistrationTokens();

    @BeforeEach
    void twoPools() {
        commit(inventory.putPool(pool("pool-a")));
        commit(inventory.putPool(pool("pool-b")));
    }

    private static HostPoolConfig pool(String poolId) {
        return new HostPoolConfig(1, poolId, PoolType.POOLED, LoadBalancer.BREADTH_FIRST, 4,
                PersonalAssignment.AUTOMATIC, false, 30, 60);
    }

    private <T> T commit(InventoryOutcome<T> outcome) {
        Decision<T> decision = decided(outcome);
        inventory.apply(decision.changes());
        return decision.answer();
    }

    /** The accepted decision, failing the test on a refusal. */
    private static <T> Decision<T> decided(InventoryOutcome<T> outcome) {
        assertThat(outcome).as("an accepted decision").isInstanceOf(Decision.class);
        return (Decision<T>) outcome;
    }

    private static <T> T answer(InventoryOutcome<T> outcome) {
        return decided(outcome).answer();
    }

    private String token(String poolId, Integer maxHosts) {
        String token = tokens.newToken();
        commit(inventory.createRegistrationToken(poolId, token, new RegistrationTokenRequest(3_600, maxHosts), T0));
        return token;
    }

    private InventoryOutcome<RegisteredHost> register(String token, String hostName, AgentCredential presented,
                                                      String jti) {
        return inventory.register(new AgentRegistration(token, hostName), Optional.ofNullable(presented), jti,
                T0.plusSeconds(1));
    }

    private void assertConflict(Supplier<InventoryOutcome<?>> attempt, String detail) {
        assertThat(attempt.get()).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(Refusal.CONFLICT);
            assertThat(refused.detail()).contains(detail);
        });
    }

    @Test
    void aTokenOfAnotherPoolCannotTakeARegisteredHost() {
        // given vm-1 registered in pool-a
        commit(register(token("pool-a", null), "vm-1", null, "jti-1"));

        // when a token of pool-b names it, with or without vm-1's agent token
        String other = token("pool-b", null);
        assertConflict(() -> register(other, "VM-1", null, "jti-x"), "already registered");
        assertConflict(() -> register(other, "vm-1", new AgentCredential("vm-1", "jti-1"), "jti-x"), "another pool");

        // then vm-1 stays in pool-a with its agent token
        assertThat(inventory.registration("vm-1").orElseThrow())
                .satisfies(r -> assertThat(r.poolId()).isEqualTo("pool-a"))
                .satisfies(r -> assertThat(r.agentTokenId()).isEqualTo("jti-1"));
        assertThat(answer(inventory.hostsOf("pool-b"))).isEmpty();
    }

    @Test
    void aTokenOfTheSamePoolNeedsTheHostsCurrentAgentToken() {
        // given vm-1 and vm-2 registered in pool-a
        String poolToken = token("pool-a", null);
        commit(register(poolToken, "vm-1", null, "jti-1"));
        commit(register(poolToken, "vm-2", null, "jti-2"));

        // then no agent token, another host's token or a made-up token id is a conflict
        assertConflict(() -> register(poolToken, "vm-1", null, "jti-x"), "already registered");
        assertConflict(() -> register(poolToken, "vm-1", new AgentCredential("vm-2", "jti-2"), "jti-x"),
                "not its current agent token");
        assertConflict(() -> register(poolToken, "vm-1", new AgentCredential("vm-1", "jti-2"), "jti-x"),
                "not its current agent token");

        // and its own current token renews it, after which the replaced token no longer does
        commit(register(poolToken, "vm-1", new AgentCredential("vm-1", "jti-1"), "jti-3"));
        assertThat(inventory.registration("vm-1").orElseThrow().agentTokenId()).isEqualTo("jti-3");
        assertConflict(() -> register(poolToken, "vm-1", new AgentCredential("vm-1", "jti-1"), "jti-4"),
                "not its current agent token");
    }

    @Test
    void afterAnAdminRemovedTheHostAnyPoolsTokenRegistersItAfresh() {
        commit(register(token("pool-a", null), "vm-1", null, "jti-1"));
        commit(inventory.removeHost("vm-1"));

        RegisteredHost moved = commit(register(token("pool-b", null), "vm-1", null, "jti-2"));

        assertThat(moved.poolId()).isEqualTo("pool-b");
        assertThat(answer(inventory.hostsOf("pool-a"))).isEmpty();
        assertThat(answer(inventory.hostsOf("pool-b"))).singleElement().extracting(HostView::hostId).isEqualTo("vm-1");
    }

    @Test
    void aTokenRegistersAtMostMaxHostsNewHostsAndCountsItsUsesOnTheTopic() {
        // given a token for two hosts
        String limited = token("pool-a", 2);
        String hash = RegistrationTokens.hash(limited);

        // when three hosts use it
        Decision<RegisteredHost> first = decided(register(limited, "vm-1", null, "jti-1"));
        commit(first);
        commit(register(limited, "vm-2", null, "jti-2"));

        // then each registration republished the token with one use less, and the third is refused
        assertThat(first.changes()).contains(new Change.TokenSaved(
                new RegistrationTokenRecord(1, "pool-a", hash, T0.plusSeconds(3_600), 1)));
        assertThat(inventory.registrationToken(hash).orElseThrow().usesLeft()).isZero();
        assertThat(register(limited, "vm-3", null, "jti-3")).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
            assertThat(refused.detail()).contains("no uses left");
        });
        assertThat(inventory.host("vm-3")).isEmpty();

        // but a renewal by a registered host's own agent needs no use
        commit(register(limited, "vm-1", new AgentCredential("vm-1", "jti-1"), "jti-4"));
        assertThat(inventory.registration("vm-1").orElseThrow().agentTokenId()).isEqualTo("jti-4");
    }

    @Test
    void aTokensUsesLeftSurviveTheTopic() throws Exception {
        // given a token with uses counted down
        String limited = token("pool-a", 3);
        Decision<RegisteredHost> registration = decided(register(limited, "vm-1", null, "jti-1"));
        Change.TokenSaved saved = registration.changes().stream().filter(Change.TokenSaved.class::isInstance)
                .map(Change.TokenSaved.class::cast).findFirst().orElseThrow();

        // when the record is read back as a replay would
        Optional<Change> replayed = TopicRecords.fromConfig(saved.key(), TopicRecords.encodeToken(saved.token()));

        // then it holds the same count; a record without the field has no limit
        assertThat(replayed).contains(saved);
        Optional<Change> unlimited = TopicRecords.fromConfig("regtoken/abc",
                "{\"v\":1,\"poolId\":\"pool-a\",\"tokenHash\":\"abc\",\"expiresAt\":\"2026-01-02T00:00:00Z\"}".getBytes());
        assertThat(unlimited).hasValueSatisfying(change ->
                assertThat(((Change.TokenSaved) change).token().usesLeft()).isNull());
    }

    @Test
    void anIssuedTokenAnswersItsUsesLeft() {
        String token = tokens.newToken();

        IssuedToken issued = answer(inventory.createRegistrationToken("pool-a", token,
                new RegistrationTokenRequest(60, 5), T0));

        assertThat(issued.usesLeft()).isEqualTo(5);
        assertThat(answer(inventory.createRegistrationToken("pool-a", token, new RegistrationTokenRequest(60, null),
                T0)).usesLeft()).isNull();
    }
}
