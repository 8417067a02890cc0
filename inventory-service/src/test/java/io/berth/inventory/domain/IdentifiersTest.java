package io.berth.inventory.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifiersTest {

    @Test
    void hostIdsAreLowerCasedHostNames() {
        assertThat(Identifiers.hostId("VM-01.Corp.Example")).contains("vm-01.corp.example");
        assertThat(Identifiers.hostId("vm-01.")).contains("vm-01");
        assertThat(Identifiers.hostId("-vm")).as("not a valid host name").isEmpty();
        assertThat(Identifiers.hostId("a..b")).as("not a valid host name").isEmpty();
        assertThat(Identifiers.hostId("x".repeat(64))).as("not a valid host name").isEmpty();
        assertThat(Identifiers.invalidHostName("-vm")).contains("not a valid host name");
    }

    @Test
    void anInvalidHostNameIsRefusedAtRegistrationAndChangesNothing() {
        Inventory inventory = new Inventory();
        inventory.apply(((Decision<?>) inventory.putPool(new io.berth.common.events.HostPoolConfig(1, "pool-a",
                io.berth.common.events.PoolType.POOLED, io.berth.common.events.LoadBalancer.BREADTH_FIRST, 4,
                io.berth.common.events.PersonalAssignment.AUTOMATIC, false, 30, 60))).changes());
        String token = new RegistrationTokens().newToken();
        inventory.apply(((Decision<?>) inventory.createRegistrationToken("pool-a", token, 60,
                java.time.Instant.EPOCH)).changes());

        InventoryOutcome<RegisteredHost> outcome = inventory.register(new AgentRegistration(token, "bad host"), "j",
                java.time.Instant.EPOCH);

        assertThat(outcome).extracting("refusal").isEqualTo(InventoryOutcome.Refusal.INVALID);
        assertThat(inventory.host("bad host")).isEmpty();
    }
}
