package io.berth.common.events;

/**
 * A record on a topic that is not a valid event of the expected type. Consumers skip and count it; it
 * never stops a consumer.
 */
public final class MalformedEventException extends Exception {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedEventException(String message) {
        super(message);
    }
}
