package io.berth.deploy.client;

/** A Berth API call answered with a status other than the one expected; carries the problem body. */
public final class ApiException extends RuntimeException {

    private final int status;

    public ApiException(String call, int status, String body) {
        super(call + " answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body)));
        this.status = status;
    }

    public int status() {
        return status;
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
