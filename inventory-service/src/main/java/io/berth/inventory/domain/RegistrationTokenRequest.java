package io.berth.inventory.domain;

/**
 * The body of {@code POST /hostpools/{poolId}/registration-tokens}: how long the token lives and, optionally,
 * how many new hosts it may register ({@code null}: no limit).
 */
public record RegistrationTokenRequest(int ttlSeconds, Integer maxHosts) {
}
