package io.berth.session;

import io.berth.common.events.SessionState;
import io.berth.session.domain.Session;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class OwnRecordsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");
    private static final Session PENDING = session(SessionState.PENDING, T0);
    private static final Session ACTIVE = session(SessionState.ACTIVE, T0.plusSeconds(1));

    private final OwnRecords own = new OwnRecords();

    @Test
    void aRecordReadBackWithTheBytesSentIsOursOnce() {
        // given
        byte[] sent = bytes("pending");
        own.sending("s1", sent, PENDING);

        // when / then: a copy of the bytes, as the consumer reads them
        assertThat(own.readBack("s1", bytes("pending"))).isSameAs(PENDING);
        assertThat(own.readBack("s1", bytes("pending"))).isNull();
        assertThat(own.size()).isZero();
    }

    @Test
    void aRecordWithOtherBytesIsNotOurs() {
        // given
        own.sending("s1", bytes("pending"), PENDING);

        // then: another instance's record for the same session, and our record for another session
        assertThat(own.readBack("s1", bytes("pending, by another instance"))).isNull();
        assertThat(own.readBack("s2", bytes("pending"))).isNull();
        assertThat(own.size()).isOne();
    }

    @Test
    void onlyTheLatestRecordOfASessionIsKnown() {
        // given two records of one session sent before the first is read back
        own.sending("s1", bytes("pending"), PENDING);
        own.sending("s1", bytes("active"), ACTIVE);

        // then the first is read back as anyone's (decoded), the second as ours
        assertThat(own.readBack("s1", bytes("pending"))).isNull();
        assertThat(own.readBack("s1", bytes("active"))).isSameAs(ACTIVE);
    }

    @Test
    void aFailedSendIsForgottenButNotANewerOne() {
        // given
        byte[] first = bytes("pending");
        own.sending("s1", first, PENDING);

        // when
        own.failed("s1", first);

        // then
        assertThat(own.readBack("s1", bytes("pending"))).isNull();

        // and a failure of an older send leaves the newer one known
        byte[] older = bytes("pending");
        own.sending("s1", older, PENDING);
        own.sending("s1", bytes("active"), ACTIVE);
        own.failed("s1", older);
        assertThat(own.readBack("s1", bytes("active"))).isSameAs(ACTIVE);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Session session(SessionState state, Instant updatedAt) {
        return new Session("s1", "alice", "pool-a", "host-1", state, T0, updatedAt, null, null, null);
    }
}
