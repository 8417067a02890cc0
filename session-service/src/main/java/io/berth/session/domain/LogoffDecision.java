package io.berth.session.domain;

import io.berth.common.events.HostCommandEvent;

/**
 * The answer to an operator's logoff request. The session itself does not change: it ends when the host's agent
 * reports the logoff, or when the host's heartbeats stop listing it.
 */
public sealed interface LogoffDecision extends SessionOutcome {

    record SendCommand(HostCommandEvent command) implements LogoffDecision {
    }

    record UnknownSession() implements LogoffDecision {
    }

    record AlreadyEnded() implements LogoffDecision {
    }
}
