package io.berth.inventory.domain;

/** An agent's request to register its host with a registration token. */
public record AgentRegistration(String registrationToken, String hostName) {
}
