package io.berth.broker.cache;

import io.berth.broker.domain.SeatSession;
import io.berth.common.events.SessionState;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of {@link SeatSession}. */
@ProtoAdapter(SeatSession.class)
public final class SeatSessionAdapter {

    @ProtoFactory
    SeatSession create(String sessionId, String hostId, String state) {
        return new SeatSession(sessionId, hostId, SessionState.valueOf(state));
    }

    @ProtoField(1)
    String getSessionId(SeatSession session) {
        return session.sessionId();
    }

    @ProtoField(2)
    String getHostId(SeatSession session) {
        return session.hostId();
    }

    @ProtoField(3)
    String getState(SeatSession session) {
        return session.state().name();
    }
}
