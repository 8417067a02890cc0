package io.berth.common.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The named conditions a service must meet before {@code /health/ready} answers 200, such as "each of
 * its topic readers has caught up". Conditions are checked on each probe.
 */
public final class Readiness {

    private final Map<String, BooleanSupplier> conditions = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Optional<String>>> notes = new ConcurrentHashMap<>();

    public void require(String name, BooleanSupplier condition) {
        conditions.put(name, condition);
    }

    /**
     * A state an operator must see on {@code /health/ready} that does not make the service unready (a
     * degraded mode it still serves in): shown while {@code detail} is present.
     */
    public void note(String name, Supplier<Optional<String>> detail) {
        notes.put(name, detail);
    }

    /** The notes present now, in name order. */
    public Map<String, String> notes() {
        Map<String, String> present = new LinkedHashMap<>();
        notes.keySet().stream().sorted().forEach(name -> {
            try {
                notes.get(name).get().ifPresent(detail -> present.put(name, detail));
            } catch (RuntimeException e) {
                present.put(name, "unknown: " + e.getMessage());
            }
        });
        return present;
    }

    /** Each condition's current state, in name order. */
    public Map<String, Boolean> check() {
        Map<String, Boolean> states = new LinkedHashMap<>();
        conditions.keySet().stream().sorted().forEach(name -> states.put(name, safe(conditions.get(name))));
        return states;
    }

    public boolean isReady() {
        return !conditions.isEmpty() && check().values().stream().allMatch(Boolean::booleanValue);
    }

    private static boolean safe(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
