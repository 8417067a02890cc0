package io.berth.inventory.domain;

/**
 * A request the inventory refuses, with the reason an adapter turns into an HTTP status. Thrown by the
 * domain before anything is published, so a rejected request never changes state.
 */
public final class Rejection extends RuntimeException {

    /** Why a request was refused; each maps to one HTTP status. */
    public enum Reason {
        INVALID(400, "Bad Request"),
        UNAUTHENTICATED(401, "Unauthorized"),
        FORBIDDEN(403, "Forbidden"),
        NOT_FOUND(404, "Not Found"),
        CONFLICT(409, "Conflict");

        private final int status;
        private final String title;

        Reason(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }
    }

    private final Reason reason;

    private Rejection(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public static Rejection invalid(String detail) {
        return new Rejection(Reason.INVALID, detail);
    }

    public static Rejection unauthenticated(String detail) {
        return new Rejection(Reason.UNAUTHENTICATED, detail);
    }

    public static Rejection forbidden(String detail) {
        return new Rejection(Reason.FORBIDDEN, detail);
    }

    public static Rejection notFound(String detail) {
        return new Rejection(Reason.NOT_FOUND, detail);
    }

    public static Rejection conflict(String detail) {
        return new Rejection(Reason.CONFLICT, detail);
    }

    public Reason reason() {
        return reason;
    }

    /** The human-readable explanation, safe to show to the caller (never contains secrets). */
    public String detail() {
        return getMessage();
    }
}
