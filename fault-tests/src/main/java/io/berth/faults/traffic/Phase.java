package io.berth.faults.traffic;

/** Where a request falls relative to the injected fault, by its due time. */
public enum Phase {
    BEFORE, DURING, AFTER;

    public String label() {
        return name().toLowerCase();
    }
}
