package io.berth.common.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The named conditions a service must meet before {@code /health/ready} answers 200, such as "each of
 * its topic readers has caught up". Conditions are checked on each probe.
 */
public final class Readiness {

    private final Map<String, BooleanSupplier> conditions = new ConcurrentHashMap<>();

    public void require(String name, BooleanSupplier condition) {
        conditions.put(name, condition);
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
