package io.berth.deploy;

/** The launcher's stack could not start; the message says which part and why. */
public final class LaunchException extends RuntimeException {

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure's own message with its root cause's, which is often the one that says what to do. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return e == root || e.getMessage() == null ? message
                : e.getMessage() + (e.getMessage().contains(message) ? "" : " (" + message + ")");
    }
}
