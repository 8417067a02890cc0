package io.berth.inventory.domain;

import io.berth.common.ids.UserIds;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shapes of the ids the inventory accepts. Ids end up in Kafka keys ({@code pool/{id}}) and URL paths,
 * so they are kept to a safe alphabet; host ids are DNS host names, lower-cased.
 */
public final class Identifiers {

    private static final Pattern OBJECT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final int MAX_HOST_NAME = 253;

    private Identifiers() {
    }

    /** A pool or app group id: 1..128 of letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static String objectId(String kind, String id) {
        if (id == null || !OBJECT_ID.matcher(id).matches()) {
            throw Rejection.invalid(kind + " '" + abbreviate(id) + "' is not valid: use 1 to 128 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** The host id for an agent's host name: the name lower-cased, which must be a DNS host name. */
    public static String hostId(String hostName) {
        String lower = hostName == null ? "" : hostName.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        boolean valid = !lower.isEmpty() && lower.length() <= MAX_HOST_NAME;
        if (valid) {
            for (String label : lower.split("\\.", -1)) {
                if (!HOST_LABEL.matcher(label).matches()) {
                    valid = false;
                    break;
                }
            }
        }
        if (!valid) {
            throw Rejection.invalid("hostName '" + abbreviate(hostName) + "' is not a valid host name");
        }
        return lower;
    }

    /** A user or group id as an identity provider gives it: Berth's one rule for them ({@link UserIds}). */
    public static String userId(String field, String userId) {
        UserIds.violation(field, userId).ifPresent(violation -> {
            throw Rejection.invalid(violation);
        });
        return userId;
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
