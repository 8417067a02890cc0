package io.berth.inventory.domain;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Host ids: an agent's DNS host name, lower-cased (pool and app group ids are checked by the OpenAPI
 * document's {@code ObjectId} schema before a request reaches the domain).
 */
public final class Identifiers {

    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final int MAX_HOST_NAME = 253;

    private Identifiers() {
    }

    /** The host id for an agent's host name: the name lower-cased; empty when that is no DNS host name. */
    public static Optional<String> hostId(String hostName) {
        String lower = hostName == null ? "" : hostName.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.isEmpty() || lower.length() > MAX_HOST_NAME) {
            return Optional.empty();
        }
        for (String label : lower.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(lower);
    }

    /** The detail of a refused host name. */
    public static String invalidHostName(String hostName) {
        return "hostName '" + abbreviate(hostName) + "' is not a valid host name";
    }

    /** A few ids for a message: the first five, then "...". */
    static String abbreviate(List<String> ids) {
        return ids.size() <= 5 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 5)) + ", ...";
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
