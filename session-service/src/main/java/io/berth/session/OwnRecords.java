package io.berth.session;

import io.berth.session.domain.Session;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The session records this instance has sent to {@code berth.sessions} and not read back yet, so that reading its
 * own writes back costs a byte comparison instead of a decode: the service follows the topic it writes, and every
 * record it sent comes back to it a few milliseconds later.
 *
 * <p>Only the latest record per session is kept (an older one read back is simply decoded, as any other record),
 * and a record is recognised only when its bytes are exactly those sent, so a record of another instance never
 * passes for one of ours. Entries go when their record is read back or its send fails. Not thread-safe: used on
 * the service's event loop.
 */
final class OwnRecords {

    private record Sent(byte[] value, Session session) {
    }

    private final Map<String, Sent> inFlight = new HashMap<>();

    /** A record about to be sent; call before sending, so that it cannot be read back before it is known. */
    void sending(String sessionId, byte[] value, Session session) {
        inFlight.put(sessionId, new Sent(value, session));
    }

    /** A record whose send failed: if it reaches the topic anyway, it is read back as anyone else's. */
    void failed(String sessionId, byte[] value) {
        Sent sent = inFlight.get(sessionId);
        if (sent != null && sent.value() == value) {
            inFlight.remove(sessionId);
        }
    }

    /**
     * A record read back from the topic: the session this instance wrote, if the record is exactly the last one it
     * sent for that session (the entry is then forgotten); {@code null} otherwise.
     */
    Session readBack(String sessionId, byte[] value) {
        Sent sent = inFlight.get(sessionId);
        if (sent == null || !Arrays.equals(sent.value(), value)) {
            return null;
        }
        inFlight.remove(sessionId);
        return sent.session();
    }

    int size() {
        return inFlight.size();
    }
}
