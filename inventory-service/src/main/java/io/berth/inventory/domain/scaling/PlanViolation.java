package io.berth.inventory.domain.scaling;

/**
 * Why a scaling plan is refused: {@code INVALID} (400) for a plan that breaks a rule of DESIGN.md 7.3,
 * {@code CONFLICT} (409) for a pool already in another plan. {@code detail} is the problem's detail.
 */
public record PlanViolation(Kind kind, String detail) {

    /** The answer a violation maps to. */
    public enum Kind { INVALID, CONFLICT }

    static PlanViolation invalid(String detail) {
        return new PlanViolation(Kind.INVALID, detail);
    }
}
