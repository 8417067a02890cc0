package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * An operator's commands for one live session (DESIGN.md 4 and 7.2): a {@code LOGOFF} (reason {@code LOGOFF}) or a
 * {@code MESSAGE} for the agent of the session's host, each with a fresh command id the agent acknowledges.
 */
final class OperatorCommands {

    private final SessionStore store;
    private final Supplier<String> commandIds;

    OperatorCommands(SessionStore store, Supplier<String> commandIds) {
        this.store = store;
        this.commandIds = commandIds;
    }

    CommandDecision logoff(String sessionId, Instant now) {
        return command(sessionId, HostCommandType.LOGOFF, null, EndReason.LOGOFF.name(), now);
    }

    CommandDecision message(String sessionId, String message, Instant now) {
        return command(sessionId, HostCommandType.MESSAGE, message, null, now);
    }

    private CommandDecision command(String sessionId, HostCommandType type, String message, String reason,
                                    Instant now) {
        Session session = store.get(sessionId);
        if (session == null) {
            return new CommandDecision.UnknownSession();
        }
        if (!session.isLive()) {
            return new CommandDecision.AlreadyEnded();
        }
        return new CommandDecision.SendCommand(new HostCommandEvent(HostCommandEvent.CURRENT_VERSION,
                commandIds.get(), session.hostId(), type, session.sessionId(), message, reason, now));
    }
}
