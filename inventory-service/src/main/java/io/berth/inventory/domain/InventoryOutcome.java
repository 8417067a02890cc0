package io.berth.inventory.domain;

import java.util.function.Function;

/**
 * The inventory's answer to a request: a {@link Decision} (the changes to publish and the answer to give once
 * they are durable) or a {@link Refused} request, which changes nothing. The domain names why it refuses; the
 * HTTP adapter alone maps each {@link Refusal} to a status.
 */
public sealed interface InventoryOutcome<T> permits Decision, InventoryOutcome.Refused {

    /** Why a request was refused. */
    enum Refusal {
        /** The request names something in a shape the inventory does not accept (a host name, an id). */
        INVALID,
        /** The caller's credential (registration token, agent token) is unknown, expired, spent or replaced. */
        UNAUTHENTICATED,
        /** The caller is known but speaks for something that is not its own. */
        FORBIDDEN,
        /** The request names a pool, application group or host that does not exist. */
        NOT_FOUND,
        /** The request contradicts the current state (hosts left in a pool, a user's other host, ...). */
        CONFLICT
    }

    /** A refused request; {@code detail} is safe to show to the caller (never holds secrets). */
    record Refused<T>(Refusal refusal, String detail) implements InventoryOutcome<T> {
    }

    /** This outcome with its answer turned by {@code answer}; a refusal stays as it is. */
    default <U> InventoryOutcome<U> map(Function<? super T, ? extends U> answer) {
        if (this instanceof Decision<T> decision) {
            return new Decision<>(decision.changes(), answer.apply(decision.answer()));
        }
        Refused<T> refused = (Refused<T>) this;
        return new Refused<>(refused.refusal(), refused.detail());
    }

    /** An answer that changes nothing. */
    static <T> InventoryOutcome<T> answer(T answer) {
        return Decision.of(answer);
    }

    static <T> InventoryOutcome<T> invalid(String detail) {
        return new Refused<>(Refusal.INVALID, detail);
    }

    static <T> InventoryOutcome<T> unauthenticated(String detail) {
        return new Refused<>(Refusal.UNAUTHENTICATED, detail);
    }

    static <T> InventoryOutcome<T> forbidden(String detail) {
        return new Refused<>(Refusal.FORBIDDEN, detail);
    }

    static <T> InventoryOutcome<T> notFound(String detail) {
        return new Refused<>(Refusal.NOT_FOUND, detail);
    }

    static <T> InventoryOutcome<T> conflict(String detail) {
        return new Refused<>(Refusal.CONFLICT, detail);
    }
}
