package io.berth.session.domain;

/**
 * Why a held agent report was dropped without being applied; the metric tag is {@link #tag()}. None of them ever
 * creates or changes a session.
 */
public enum HeldReportDrop {
    /** No allocation of its session arrived within the hold time. */
    EXPIRED("expired"),
    /** Its session was allocated to another host than the one that reported it. */
    OTHER_HOST("other_host"),
    /** Its session was allocated to another user than the report names. */
    OTHER_USER("other_user");

    private final String tag;

    HeldReportDrop(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
