package io.berth.session;

import io.berth.common.events.EventCodec;
import io.berth.common.events.HostCommandEvent;
import io.berth.common.kafka.EventProducer;
import io.berth.common.kafka.Topics;
import io.berth.session.domain.LimitCommand;
import io.berth.session.domain.Session;
import io.berth.session.domain.SessionChange;
import io.berth.session.domain.SessionRegistry;
import io.vertx.core.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the registry's decisions: session records and tombstones on {@code berth.sessions} (key = session
 * id), commands on {@code berth.host-commands} (key = host id). A change Kafka does not acknowledge is undone in
 * the registry, so the registry never holds a state that exists nowhere else.
 */
final class SessionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPublisher.class);

    private final EventProducer producer;
    private final SessionRegistry registry;
    private final SessionMetrics metrics;
    private final OwnRecords ownRecords = new OwnRecords();

    SessionPublisher(EventProducer producer, SessionRegistry registry, SessionMetrics metrics) {
        this.producer = producer;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Completes when every change is acknowledged; fails if any was not (those are reverted). */
    Future<Void> publish(List<SessionChange> changes) {
        if (changes.isEmpty()) {
            return Future.succeededFuture();
        }
        if (changes.size() == 1) {
            return send(changes.get(0)).mapEmpty();
        }
        List<Future<?>> sends = new ArrayList<>(changes.size());
        for (SessionChange change : changes) {
            sends.add(send(change));
        }
        return Future.all(sends).mapEmpty();
    }

    private Future<RecordMetadata> send(SessionChange change) {
        String sessionId = change.sessionId();
        byte[] value = EventCodec.encode(change.event());
        ownRecords.sending(sessionId, value, change.current());
        return producer.sendEncoded(Topics.SESSIONS, sessionId, value)
                .onSuccess(metadata -> metrics.published(change))
                .onFailure(error -> {
                    LOG.warn("Session {} -> {} not published, undone: {}", sessionId, change.to(),
                            error.getMessage());
                    ownRecords.failed(sessionId, value);
                    registry.revert(change);
                });
    }

    /**
     * Whether a record read from {@code berth.sessions} is one this publisher wrote and the registry still holds
     * as written: applying it would change nothing, so it need not even be decoded.
     */
    boolean isAppliedOwnRecord(String sessionId, byte[] value) {
        Session written = ownRecords.readBack(sessionId, value);
        return written != null && registry.holdsRecordOf(written);
    }

    Future<Void> tombstone(List<Session> endedSessions) {
        if (endedSessions.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<?>> sends = endedSessions.stream()
                .map(ended -> producer.sendTombstone(Topics.SESSIONS, ended.sessionId())
                        .onFailure(error -> {
                            LOG.warn("Tombstone of session {} not published, retried later: {}", ended.sessionId(),
                                    error.getMessage());
                            registry.restore(ended);
                        }))
                .<Future<?>>map(future -> future)
                .toList();
        return Future.all(sends).mapEmpty();
    }

    Future<Void> command(HostCommandEvent command) {
        return producer.send(Topics.HOST_COMMANDS, command.hostId(), command).mapEmpty();
    }

    /** The session limits' commands, each counted once sent; one Kafka refuses is decided again at the next sweep. */
    Future<Void> limitCommands(List<LimitCommand> commands) {
        if (commands.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<?>> sends = new ArrayList<>(commands.size());
        for (LimitCommand limit : commands) {
            sends.add(command(limit.command())
                    .onSuccess(sent -> metrics.limitCommandSent(limit.kind()))
                    .onFailure(error -> {
                        LOG.warn("{} for session {} not sent, decided again: {}", limit.kind(),
                                limit.command().sessionId(), error.getMessage());
                        registry.commandRefused(limit);
                    }));
        }
        return Future.all(sends).mapEmpty();
    }
}
