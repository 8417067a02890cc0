package io.berth.broker.feed;

import io.berth.broker.domain.HostEntry;
import io.berth.common.events.SessionState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

import static io.berth.broker.feed.SessionChangesTest.reservedFor;
import static io.berth.broker.feed.SessionChangesTest.session;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code berth.sessions} ends a logon in a pool with a logon cap: PENDING keeps the slot under the cap, ACTIVE
 * (or DISCONNECTED) frees its place at once, and the feed never skips that change as a no-op. Without a cap a
 * confirmed slot is logged on at once, so ACTIVE costs no host write.
 */
class LogonFeedTest {

    private static HostEntry applied(HostEntry host, SessionState state) {
        SessionChanges changes = new SessionChanges();
        changes.add(session("s1", "alice", host.hostId(), state), true);
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = new HashMap<>();
        changes.forEachHost(byHost::put);
        return byHost.get(host.hostId()).apply(host.hostId(), host);
    }

    @Test
    void aPendingRecordKeepsTheLogonInProgressAndActiveEndsIt() {
        HostEntry pending = applied(reservedFor("h1", "s1"), SessionState.PENDING);
        assertThat(pending.pendingLogons()).isEqualTo(1);

        HostEntry active = applied(pending, SessionState.ACTIVE);

        assertThat(active.pendingLogons()).isZero();
        assertThat(active.liveSessions()).isEqualTo(1);
        assertThat(applied(pending, SessionState.DISCONNECTED).pendingLogons()).isZero();
    }

    @Test
    void activeAfterPendingIsAChangeTheFeedSends() {
        HostEntry pending = applied(reservedFor("h1", "s1"), SessionState.PENDING);
        SessionChanges changes = new SessionChanges();
        changes.add(session("s1", "alice", "h1", SessionState.ACTIVE), true);
        Map<String, BiFunction<String, HostEntry, HostEntry>> byHost = new HashMap<>();
        changes.forEachHost(byHost::put);

        assertThat(FeedApplier.changesNothing("h1", pending, byHost.get("h1"))).isFalse();
        assertThat(FeedApplier.changesNothing("h1", byHost.get("h1").apply("h1", pending), byHost.get("h1")))
                .as("ACTIVE twice").isTrue();
    }

    @Test
    void anEndedRecordFreesTheLogonPlace() {
        HostEntry pending = applied(reservedFor("h1", "s1"), SessionState.PENDING);

        assertThat(applied(pending, SessionState.ENDED).pendingLogons()).isZero();
    }

    @Test
    void withoutACapAConfirmedSlotIsLoggedOnAndActiveChangesNothing() {
        SessionChanges pendingRecord = new SessionChanges();
        pendingRecord.add(session("s1", "alice", "h1", SessionState.PENDING), false);
        Map<String, BiFunction<String, HostEntry, HostEntry>> pending = new HashMap<>();
        pendingRecord.forEachHost(pending::put);
        HostEntry confirmed = pending.get("h1").apply("h1", reservedFor("h1", "s1"));
        SessionChanges activeRecord = new SessionChanges();
        activeRecord.add(session("s1", "alice", "h1", SessionState.ACTIVE), false);
        Map<String, BiFunction<String, HostEntry, HostEntry>> active = new HashMap<>();
        activeRecord.forEachHost(active::put);

        assertThat(confirmed.pendingLogons()).isZero();
        assertThat(FeedApplier.changesNothing("h1", confirmed, active.get("h1"))).isTrue();
    }
}
