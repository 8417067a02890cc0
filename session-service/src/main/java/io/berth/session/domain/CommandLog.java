package io.berth.session.domain;

import io.berth.common.events.EndReason;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.events.HostCommandType;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@code berth.host-commands} holds for each session, as far as its lifecycle cares: whether its maximum-time
 * warning went out, and its latest {@code LOGOFF} (reason and time). Every instance reads the whole topic (it is
 * keyed by host, not by session), replayed before deciding anything, so what a limit already sent is known after a
 * restart or a failover and is not sent again. This service's own commands are entered when decided (and taken out
 * again if Kafka refuses them), so the next sweep does not decide them twice. Not thread-safe: one event loop owns
 * it.
 */
final class CommandLog {

    /** The reasons of a LOGOFF that end the session by themselves if the agent does not log it off in time. */
    static final Set<EndReason> FORCING = EnumSet.of(EndReason.DISCONNECTED_TIMEOUT, EndReason.MAX_SESSION_TIME,
            EndReason.SCALING_LOGOFF);

    /** A LOGOFF for a session: {@code reason} null when it names no known end reason. */
    record Logoff(String commandId, EndReason reason, Instant at) {

        boolean forcesEnd() {
            return reason != null && FORCING.contains(reason);
        }
    }

    /** What was sent for one session; {@code warningId} null until its maximum-time warning went out. */
    private record Sent(String warningId, Logoff logoff) {
    }

    private final Map<String, Sent> bySession = new HashMap<>();

    /**
     * A command read from the topic or decided here. Returns the session's new latest LOGOFF when this command is
     * one ({@code null} otherwise): an older LOGOFF than the one known, or the same one again, changes nothing.
     */
    Logoff record(HostCommandEvent command, Instant now) {
        if (command.sessionId() == null || command.command() == null) {
            return null;
        }
        Sent sent = bySession.getOrDefault(command.sessionId(), new Sent(null, null));
        if (command.command() == HostCommandType.MESSAGE && SessionLimits.WARNING_REASON.equals(command.reason())
                && sent.warningId() == null) {
            bySession.put(command.sessionId(), new Sent(command.commandId(), sent.logoff()));
        } else if (command.command() == HostCommandType.LOGOFF) {
            Instant at = command.at() != null ? command.at() : now;
            Logoff known = sent.logoff();
            if (known != null && (at.isBefore(known.at()) || known.commandId() != null
                    && known.commandId().equals(command.commandId()))) {
                return null;
            }
            Logoff logoff = new Logoff(command.commandId(), Session.parseEndReason(command.reason()), at);
            bySession.put(command.sessionId(), new Sent(sent.warningId(), logoff));
            return logoff;
        }
        return null;
    }

    /** Takes out a command of this service that Kafka refused: it was never sent, so it may be decided again. */
    void failed(HostCommandEvent command) {
        Sent sent = bySession.get(command.sessionId());
        if (sent == null || command.commandId() == null) {
            return;
        }
        String warningId = command.commandId().equals(sent.warningId()) ? null : sent.warningId();
        Logoff logoff = sent.logoff() != null && command.commandId().equals(sent.logoff().commandId())
                ? null : sent.logoff();
        if (warningId == null && logoff == null) {
            bySession.remove(command.sessionId());
        } else {
            bySession.put(command.sessionId(), new Sent(warningId, logoff));
        }
    }

    boolean warned(String sessionId) {
        Sent sent = bySession.get(sessionId);
        return sent != null && sent.warningId() != null;
    }

    /** The session's latest LOGOFF; {@code null} if none is known. */
    Logoff latestLogoff(String sessionId) {
        Sent sent = bySession.get(sessionId);
        return sent == null ? null : sent.logoff();
    }

    /** The session's latest LOGOFF if it ends the session by itself; {@code null} otherwise. */
    Logoff forcingLogoff(String sessionId) {
        Logoff logoff = latestLogoff(sessionId);
        return logoff != null && logoff.forcesEnd() ? logoff : null;
    }

    /** The session is gone (tombstoned): nothing about it is needed any more. */
    void forget(String sessionId) {
        bySession.remove(sessionId);
    }

    Set<String> sessionIds() {
        return bySession.keySet();
    }

    int size() {
        return bySession.size();
    }
}
