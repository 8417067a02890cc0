package io.berth.session.domain;

import io.berth.common.events.HostCommandEvent;

/**
 * The answer to an operator's command for a session (a logoff, a message). The session itself does not change: a
 * logged-off session ends when the host's agent reports the logoff, or when the host's heartbeats stop listing it.
 */
public sealed interface CommandDecision extends SessionOutcome {

    record SendCommand(HostCommandEvent command) implements CommandDecision {
    }

    record UnknownSession() implements CommandDecision {
    }

    record AlreadyEnded() implements CommandDecision {
    }
}
