package io.berth.common.http;

import java.util.HashMap;
import java.util.Map;

/**
 * A failure that becomes an RFC 9457 problem response. Throw it (or {@code ctx.fail} it) from a handler;
 * the shared failure handler writes it. {@code headers} are added to the response (e.g. Retry-After);
 * {@code members} are extension members of the problem object (RFC 9457 section 3.2, e.g. {@code reason}).
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final Map<String, String> headers;
    private final Map<String, String> members;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ProblemException(int status, String title, String detail, Map<String, String> headers) {
        this(status, title, detail, headers, Map.of());
    }

    private ProblemException(int status, String title, String detail, Map<String, String> headers,
                             Map<String, String> members) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.headers = Map.copyOf(headers);
        this.members = Map.copyOf(members);
    }

    /** The same problem with an extension member; the standard members cannot be replaced. */
    public ProblemException withMember(String name, String value) {
        if (Problems.STANDARD_MEMBERS.contains(name)) {
            throw new IllegalArgumentException(name + " is a standard member of a problem");
        }
        Map<String, String> more = new HashMap<>(members);
        more.put(name, value);
        return new ProblemException(status, title, detail(), headers, more);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "Service Unavailable", detail,
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, String> members() {
        return members;
    }
}
