package io.berth.session.domain;

import java.util.List;

/**
 * What became of an agent report: accepted (with the changes to publish, none for a no-op), held for its session's
 * allocation (the session is not known yet; nothing changed), or refused.
 */
public sealed interface ReportOutcome extends SessionOutcome {

    record Accepted(List<SessionChange> changes) implements ReportOutcome {
        public Accepted {
            changes = List.copyOf(changes);
        }
    }

    /** The session is not known yet: the report waits for its allocation, and is dropped if none comes. */
    record Held() implements ReportOutcome {
    }

    record Refused(Refusal refusal, String detail) implements ReportOutcome {
    }

    /** Why a report was refused; the HTTP adapter maps each to a status. */
    enum Refusal {
        /** The token's host is not the host named in the report. */
        NOT_THE_REPORTING_HOST,
        /** The session is on another host than the one reporting it. */
        SESSION_ON_ANOTHER_HOST,
        /** The reporting host has no registration (never registered, or removed from its pool). */
        HOST_NOT_REGISTERED,
        /** The token was issued before the host's current registration. */
        TOKEN_REVOKED,
        /** The session belongs to another user than the report names. */
        SESSION_OF_ANOTHER_USER,
        /** The session is not known yet and the host (or everyone) already has the most reports allowed waiting. */
        TOO_MANY_HELD
    }
}
