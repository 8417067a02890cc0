package io.berth.session.domain;

import io.berth.common.events.SessionEvent;
import io.berth.common.events.SessionState;

import java.util.List;
import java.util.Optional;

/**
 * A decision of the registry that must be published on {@code berth.sessions}: the session before (empty for a
 * session seen for the first time) and after, and the held agent reports it applied (held again if it is undone).
 */
public record SessionChange(Session previous, Session current, List<HeldReport> appliedReports) {

    public SessionChange {
        appliedReports = List.copyOf(appliedReports);
    }

    public SessionChange(Session previous, Session current) {
        this(previous, current, List.of());
    }

    public String sessionId() {
        return current.sessionId();
    }

    public SessionEvent event() {
        return current.toEvent();
    }

    public Optional<SessionState> from() {
        return Optional.ofNullable(previous).map(Session::state);
    }

    public SessionState to() {
        return current.state();
    }

    /** Whether the state moved (a first record counts as a move from nothing); false for a data-only update. */
    public boolean isTransition() {
        return previous == null || previous.state() != current.state();
    }
}
