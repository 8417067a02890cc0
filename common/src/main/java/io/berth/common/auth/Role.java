package io.berth.common.auth;

import java.util.Optional;

/** The roles a token's {@code roles} claim can grant. Roles do not imply each other. */
public enum Role {
    ADMIN("admin"), GATEWAY("gateway"), AGENT("agent");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    public static Optional<Role> fromClaim(String claim) {
        for (Role role : values()) {
            if (role.claim.equals(claim)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
