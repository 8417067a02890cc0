package io.berth.common.ids;

import java.util.Optional;

/**
 * The one rule for user and group ids as an identity provider gives them (DESIGN.md: opaque text): at most
 * {@value #MAX_LENGTH} characters, not blank, no control characters. Such ids end up in Kafka keys, cache
 * keys, logs and tickets, so a control character or an unbounded length is refused at the edge. Plain Java:
 * handlers turn a violation into a 400, domain code into its own rejection.
 */
public final class UserIds {

    public static final int MAX_LENGTH = 256;

    private UserIds() {
    }

    public static boolean isValid(String id) {
        return violation("id", id).isEmpty();
    }

    /** Why {@code id}, the value of {@code field}, is not a valid user or group id; empty when it is. */
    public static Optional<String> violation(String field, String id) {
        if (id == null || id.isBlank()) {
            return Optional.of("'" + field + "' must not be empty");
        }
        if (id.length() > MAX_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("'" + field + "' must be at most " + MAX_LENGTH
                    + " characters without control characters");
        }
        return Optional.empty();
    }
}
